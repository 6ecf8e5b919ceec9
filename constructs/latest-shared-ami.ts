import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsAmiIds, DataAwsAmiIdsFilter } from "@cdktf/provider-aws/lib/data-aws-ami-ids";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { amiNameFilter, amiNameRegex, amiNameTemplate } from "./ami-conventions";

export interface SharedAmiProps {
  /** The image whose AMIs to find, as named in the shared account's pipeline. */
  readonly imageName: string;
  /** The account whose pipeline publishes the AMIs. */
  readonly ownerAccountId: string;
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
    extra: { filter: DataAwsAmiIdsFilter[]; includeDeprecated: boolean; whenNone: (lookedFor: string) => string },
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
    this.ami = new DataAwsAmi(this, "Resource", {
      owners: [props.ownerAccountId],
      filter: [{ name: "image-id", values: [Fn.element(this.candidates.ids, 0)] }],
      includeDeprecated: extra.includeDeprecated,
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
    });
  }
}

export interface PinnedSharedAmiProps extends SharedAmiProps {
  /** The AMI to run (a literal id, or a value read at plan time). */
  readonly imageId: string;
  /** Where the id comes from, for the failure message. */
  readonly origin: string;
}

/** One given AMI, checked to be an available AMI of the image owned by the shared account (deprecated allowed: it was chosen). */
export class PinnedSharedAmi extends SharedAmiLookup {
  constructor(scope: Construct, id: string, props: PinnedSharedAmiProps) {
    super(scope, id, props, {
      filter: [{ name: "image-id", values: [props.imageId] }],
      includeDeprecated: true,
      whenNone: (lookedFor) => `The AMI ${props.origin} is not an available AMI of image "${props.imageName}": looked for it among ${lookedFor}.`,
    });
  }
}
