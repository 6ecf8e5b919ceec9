import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Construct } from "constructs";

export interface EgressOnlySecurityGroupProps {
  readonly vpcId: string;
  /** Prefix of the group's name; AWS appends a unique suffix. */
  readonly namePrefix: string;
  readonly description: string;
  readonly tags?: Record<string, string>;
}

/** Outbound TCP: HTTPS covers SSM, package repositories and S3. */
const EGRESS_TCP_PORTS = [443] as const;

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
      egress: EGRESS_TCP_PORTS.map((port) => ({
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
