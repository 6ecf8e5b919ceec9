import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsAmiIds, DataAwsAmiIdsFilter } from "@cdktf/provider-aws/lib/data-aws-ami-ids";
import { Fn, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { amiNameFilter, amiNameRegex, amiNameTemplate } from "./ami-conventions";

export interface SharedAmiProps {
  /** The image whose AMIs to find, as named in the shared account's pipeline. */
  readonly imageName: string;
  /** The account whose pipeline publishes the AMIs. */
  readonly ownerAccountId: string;
  /**
   * Revoked AMIs (id → reason, already escaped for Terraform): a latest lookup skips them (the next
   * newest wins); a pinned one fails the plan with the reason. @default - none
   */
  readonly revoked?: Readonly<Record<string, string>>;
}

/** An AMI of one image owned by the shared account, matched by exact name; the plan fails clearly when there is none. */
abstract class SharedAmiLookup extends Construct {
  /** Ids of every matching AMI, newest first. */
  readonly candidates: DataAwsAmiIds;
  readonly ami: DataAwsAmi;

  protected constructor(
    scope: Construct,
    id: string,
    props: SharedAmiProps,
    extra: {
      filter: DataAwsAmiIdsFilter[];
      includeDeprecated: boolean;
      whenNone: (lookedFor: string) => string;
      /** Leave revoked AMIs out of the candidates (a latest lookup), rather than fail on one (a pin). */
      skipRevoked: boolean;
      whenAllRevoked: (lookedFor: string) => string;
      /** Where the AMI comes from, for messages. */
      origin: string;
      /** What to do about a revoked AMI. */
      whenRevoked: string;
    },
  ) {
    super(scope, id);
    const lookedFor = `AMIs owned by ${props.ownerAccountId} named "${amiNameTemplate(props.imageName)}" (filter "${amiNameFilter(props.imageName)}", regex ${amiNameRegex(props.imageName)})`;
    // aws_ami fails on an empty result with a generic error; aws_ami_ids lets us say what is wrong.
    this.candidates = new DataAwsAmiIds(this, "Candidates", {
      owners: [props.ownerAccountId],
      filter: [{ name: "name", values: [amiNameFilter(props.imageName)] }, { name: "state", values: ["available"] }, ...extra.filter],
      nameRegex: amiNameRegex(props.imageName),
      includeDeprecated: extra.includeDeprecated,
      sortAscending: false,
      lifecycle: {
        postcondition: [{ condition: "${length(self.ids) > 0}", errorMessage: extra.whenNone(lookedFor) }],
      },
    });
    // Terraform evaluates error messages even when the condition holds: lookup() with a default, not [id].
    const revoked = Object.keys(props.revoked ?? {}).length > 0 ? new TerraformLocal(this, "Revoked", { ...props.revoked }) : undefined;
    // Newest first, revoked AMIs left out: a for expression keeps aws_ami_ids' order (a set would not).
    const eligible =
      revoked && extra.skipRevoked
        ? new TerraformLocal(this, "Eligible", `\${[for id in ${this.candidates.fqn}.ids : id if !contains(keys(${revoked.fqn}), id)]}`)
        : undefined;
    const ids = eligible ? eligible.asList : this.candidates.ids;
    this.ami = new DataAwsAmi(this, "Resource", {
      owners: [props.ownerAccountId],
      // With every candidate revoked, "none" makes the precondition (not an index error) speak.
      filter: [{ name: "image-id", values: [Fn.element(eligible ? Fn.concat([ids, ["none"]]) : ids, 0)] }],
      includeDeprecated: extra.includeDeprecated,
      lifecycle: revoked
        ? {
            precondition: eligible ? [{ condition: `\${length(${eligible.fqn}) > 0}`, errorMessage: extra.whenAllRevoked(lookedFor) }] : undefined,
            postcondition: [
              {
                condition: `\${!contains(keys(${revoked.fqn}), self.id)}`,
                errorMessage: `The AMI \${self.id} (${extra.origin}) is revoked: \${lookup(${revoked.fqn}, self.id, "")}. ${extra.whenRevoked}`,
              },
            ],
          }
        : undefined,
    });
  }

  get imageId(): string {
    return this.ami.id;
  }

  get imageName(): string {
    return this.ami.name;
  }
}

/** The most recent available, non-deprecated AMI of one image, owned by the shared account. */
export class LatestSharedAmi extends SharedAmiLookup {
  constructor(scope: Construct, id: string, props: SharedAmiProps) {
    super(scope, id, props, {
      filter: [],
      includeDeprecated: false,
      whenNone: (lookedFor) =>
        `No AMI of image "${props.imageName}" is available to this account: looked for ${lookedFor}, not deprecated. ` +
        `Run the "${props.imageName}" pipeline in the shared account first (cdktf deploy shared, then start the pipeline), ` +
        `and check that its distribution shares the AMI with this account.`,
      skipRevoked: true,
      whenAllRevoked: (lookedFor) =>
        `Every AMI of image "${props.imageName}" found (${lookedFor}) is revoked. Build and publish a new one (start the "${props.imageName}" pipeline).`,
      origin: `the newest AMI of image ${props.imageName}`,
      whenRevoked: "Latest lookups skip revoked AMIs; if this appears, the revocation list changed during the plan.",
    });
  }
}

export interface PinnedSharedAmiProps extends SharedAmiProps {
  /** The AMI to run (a literal id, or a value read at plan time). */
  readonly imageId: string;
  /** Where the id comes from, for the failure message. */
  readonly origin: string;
  /** Accept a deprecated AMI. @default true - it was chosen by hand; a channel's must not be deprecated */
  readonly includeDeprecated?: boolean;
}

/** One given AMI, checked to be an available AMI of the image owned by the shared account (deprecated allowed: it was chosen). */
export class PinnedSharedAmi extends SharedAmiLookup {
  constructor(scope: Construct, id: string, props: PinnedSharedAmiProps) {
    super(scope, id, props, {
      filter: [{ name: "image-id", values: [props.imageId] }],
      includeDeprecated: props.includeDeprecated ?? true,
      whenNone: (lookedFor) =>
        `The AMI ${props.origin} is not an available${props.includeDeprecated === false ? ", non-deprecated" : ""} AMI of image "${props.imageName}": looked for it among ${lookedFor}.`,
      skipRevoked: false,
      whenAllRevoked: () => `The AMI ${props.origin} is revoked.`,
      origin: props.origin,
      whenRevoked: "Promote or pin another AMI of the image (golden-ami promote, or ami.image_id), then plan again.",
    });
  }
}
