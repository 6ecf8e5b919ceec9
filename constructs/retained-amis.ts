import { DataAwsAmiIds } from "@cdktf/provider-aws/lib/data-aws-ami-ids";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformIterator } from "cdktf";
import { Construct } from "constructs";

export interface RetainedAmisProps {
  /** The account that owns the AMIs (the shared account: only the owner can tag them). */
  readonly ownerAccountId: string;
  /** The tag the lifecycle policy's exclusion rules name (key = "true"). */
  readonly tagKey: string;
  /** Builds to keep, by AMI name: every copy of each in this region (what channels serve). */
  readonly builds: ReadonlyArray<string>;
  /** AMIs to keep by id, in this region (what workloads here pin). */
  readonly amiIds: ReadonlyArray<string>;
  /** The provider of this region. @default - the stack's default provider */
  readonly provider?: AwsProvider;
}

/**
 * Tags the AMIs that something runs or may roll back to, in one region, so the image's lifecycle
 * policy never deprecates or deletes them: Image Builder's lastLaunched exclusion does not protect an
 * AMI that a steady fleet stopped launching. Builds are found by name at plan time, because each
 * region's copy has its own id.
 */
export class RetainedAmis extends Construct {
  constructor(scope: Construct, id: string, props: RetainedAmisProps) {
    super(scope, id);
    const builds = [...new Set(props.builds)].sort();
    if (builds.length > 0) {
      const copies = new DataAwsAmiIds(this, "Builds", {
        provider: props.provider,
        owners: [props.ownerAccountId],
        filter: [{ name: "name", values: builds }],
        includeDeprecated: true,
      });
      const each = TerraformIterator.fromList(copies.ids);
      new Ec2Tag(this, "BuildTag", { provider: props.provider, forEach: each, resourceId: each.value, key: props.tagKey, value: "true" });
    }
    for (const amiId of [...new Set(props.amiIds)].sort()) {
      new Ec2Tag(this, `Tag-${amiId}`, { provider: props.provider, resourceId: amiId, key: props.tagKey, value: "true" });
    }
  }
}
