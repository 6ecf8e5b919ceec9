import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Construct } from "constructs";

export interface EgressOnlySecurityGroupProps {
  readonly vpcId: string;
  /** Prefix of the group's name; AWS appends a unique suffix. */
  readonly namePrefix: string;
  readonly description: string;
  /** TCP ports open outbound. @default [443] - HTTPS covers SSM, package repositories and S3 */
  readonly egressTcpPorts?: ReadonlyArray<number>;
  readonly tags?: Record<string, string>;
}

/** A security group with no ingress at all: instances are reached through SSM, never SSH. */
export class EgressOnlySecurityGroup extends Construct {
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: EgressOnlySecurityGroupProps) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, "Resource", {
      namePrefix: `${props.namePrefix}-`,
      description: props.description,
      vpcId: props.vpcId,
      ingress: [],
      egress: (props.egressTcpPorts ?? [443]).map((port) => ({
        description: `Outbound TCP ${port}`,
        protocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrBlocks: ["0.0.0.0/0"],
        ipv6CidrBlocks: ["::/0"],
      })),
      tags: props.tags,
      lifecycle: { createBeforeDestroy: true },
    });
  }
}
