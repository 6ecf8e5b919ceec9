import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";

export interface CiAccessRoleProps {
  readonly roleName: string;
  readonly description: string;
  /** Role ARNs that may assume this role (the CI's OIDC roles). */
  readonly trustedBy: ReadonlyArray<string>;
  /** The role's only permissions: an identity policy document. */
  readonly policy: object;
}

/** A CI role of one account: trusted by the named principals only, with one inline policy and no managed policy. */
export class CiAccessRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: CiAccessRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "Resource", {
      name: props.roleName,
      description: props.description,
      maxSessionDuration: 3600,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: [...props.trustedBy] }, Action: "sts:AssumeRole" }],
      }),
    });
    new IamRolePolicy(this, "Policy", { name: "golden-ami-access-contract", role: this.role.id, policy: JSON.stringify(props.policy) });
  }
}
