import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ImagebuilderLifecyclePolicy } from "@cdktf/provider-aws/lib/imagebuilder-lifecycle-policy";
import { Construct } from "constructs";
import { serviceTrustPolicy } from "./service-role-trust";

/** The role Image Builder's lifecycle management acts as, shared by every image's policy. */
export class LifecycleExecutionRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: { readonly name: string; readonly partition: DataAwsPartition }) {
    super(scope, id);
    this.role = new IamRole(this, "Resource", {
      name: props.name,
      description: "Image Builder lifecycle management: deprecates and deletes old AMIs",
      assumeRolePolicy: serviceTrustPolicy("imagebuilder.amazonaws.com"),
    });
    new IamRolePolicyAttachment(this, "Policy", {
      role: this.role.name,
      policyArn: `arn:${props.partition.partition}:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy`,
    });
  }
}

export interface ImageLifecyclePolicyProps {
  readonly imageName: string;
  /**
   * The recipe (name and versions) whose Image Builder images the policy manages. Selection is by
   * recipe: pipeline images do not carry the pipeline's tags, and AMI tags are not image tags.
   * At most 50 versions (the API's limit); the newest first.
   */
  readonly recipe: { readonly name: string; readonly versions: ReadonlyArray<string> };
  readonly executionRole: LifecycleExecutionRole;
  /** @default 3 */
  readonly deprecateBeyondNewest?: number;
  /** @default 10 */
  readonly deleteBeyondNewest?: number;
  /** @default 30 */
  readonly keepIfLaunchedWithinDays?: number;
  /** AMIs with this tag (value "true") are never deprecated or deleted. @default - no tag exclusion */
  readonly retainTag?: string;
}

/** The most recipes one lifecycle policy selects (Image Builder API, LifecyclePolicyResourceSelection). */
const MAX_RECIPES = 50;

/** Keeps the newest AMIs of an image: deprecates the older ones, then deletes them with their snapshots. */
export class ImageLifecyclePolicy extends Construct {
  readonly policy: ImagebuilderLifecyclePolicy;

  constructor(scope: Construct, id: string, props: ImageLifecyclePolicyProps) {
    super(scope, id);
    // lastLaunched protects only AMIs with a recorded launch: a steady fleet that launches nothing is
    // not protected by it, so AMIs that channels serve or workloads pin carry the retain tag.
    // Every boolean is spelled out: provider 5.100 reads an unset is_public (or containers) back as
    // false and fails the apply with "Provider produced inconsistent result after apply"
    // (hashicorp/terraform-provider-aws#43752, fixed after 5.100 by #43925; seen on the emulator).
    const inUse = [
      {
        amis: [
          {
            isPublic: false,
            lastLaunched: [{ unit: "DAYS", value: props.keepIfLaunchedWithinDays ?? 30 }],
            ...(props.retainTag ? { tagMap: { [props.retainTag]: "true" } } : {}),
          },
        ],
      },
    ];
    this.policy = new ImagebuilderLifecyclePolicy(this, "Resource", {
      name: `${props.imageName}-lifecycle`,
      description: `Deprecate AMIs of ${props.imageName} beyond the newest ${props.deprecateBeyondNewest ?? 3}, delete beyond the newest ${props.deleteBeyondNewest ?? 10}`,
      executionRole: props.executionRole.role.arn,
      resourceType: "AMI_IMAGE",
      status: "ENABLED",
      resourceSelection: [{ recipe: props.recipe.versions.slice(0, MAX_RECIPES).map((semanticVersion) => ({ name: props.recipe.name, semanticVersion })) }],
      policyDetail: [
        // Without includeResources.amis only the Image Builder image is deprecated: its AMIs stay "latest".
        {
          action: [{ type: "DEPRECATE", includeResources: [{ amis: true, snapshots: false, containers: false }] }],
          filter: [{ type: "COUNT", value: props.deprecateBeyondNewest ?? 3 }],
          exclusionRules: inUse,
        },
        {
          action: [{ type: "DELETE", includeResources: [{ amis: true, snapshots: true, containers: false }] }],
          filter: [{ type: "COUNT", value: props.deleteBeyondNewest ?? 10 }],
          exclusionRules: inUse,
        },
      ],
    });
  }
}
