import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsAmiIds } from "@cdktf/provider-aws/lib/data-aws-ami-ids";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { amiNameFilter, amiNameRegex, amiNameTemplate } from "./ami-conventions";

export interface LatestSharedAmiProps {
  /** The image whose AMIs to find, as named in the shared account's pipeline. */
  readonly imageName: string;
  /** The account whose pipeline publishes the AMIs. */
  readonly ownerAccountId: string;
}

/**
 * The most recent available, non-deprecated AMI of one image, owned by the shared account.
 * It matches exactly the names the distribution produces, and when there is none the plan fails
 * with a message that says what was looked for and what to do.
 */
export class LatestSharedAmi extends Construct {
  /** Ids of every matching AMI, newest first. */
  readonly candidates: DataAwsAmiIds;
  readonly ami: DataAwsAmi;

  constructor(scope: Construct, id: string, props: LatestSharedAmiProps) {
    super(scope, id);
    const filter = [
      { name: "name", values: [amiNameFilter(props.imageName)] },
      { name: "state", values: ["available"] },
    ];
    // aws_ami fails on an empty result with a generic error; aws_ami_ids lets us say what is wrong.
    this.candidates = new DataAwsAmiIds(this, "Candidates", {
      owners: [props.ownerAccountId],
      filter,
      nameRegex: amiNameRegex(props.imageName),
      includeDeprecated: false,
      sortAscending: false,
      lifecycle: {
        postcondition: [
          {
            condition: "${length(self.ids) > 0}",
            errorMessage:
              `No AMI of image "${props.imageName}" is available to this account: looked for AMIs owned by ` +
              `${props.ownerAccountId} named "${amiNameTemplate(props.imageName)}" (filter "${amiNameFilter(props.imageName)}", ` +
              `regex ${amiNameRegex(props.imageName)}), not deprecated. Run the "${props.imageName}" pipeline in the shared ` +
              `account first (cdktf deploy shared, then start the pipeline), and check that its distribution shares the AMI with this account.`,
          },
        ],
      },
    });
    this.ami = new DataAwsAmi(this, "Resource", {
      owners: [props.ownerAccountId],
      filter: [{ name: "image-id", values: [Fn.element(this.candidates.ids, 0)] }],
      includeDeprecated: false,
    });
  }

  get imageId(): string {
    return this.ami.id;
  }

  get imageName(): string {
    return this.ami.name;
  }
}
