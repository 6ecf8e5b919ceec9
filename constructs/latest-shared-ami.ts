import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsAmiIds, DataAwsAmiIdsFilter } from "@cdktf/provider-aws/lib/data-aws-ami-ids";
import { Fn, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { amiNameFilter, amiNameRegex, amiNameTemplate } from "../conventions/ami-names";

export interface SharedAmiProps {
  /** The image whose AMIs to find, as named in the shared account's pipeline. */
  readonly imageName: string;
  /** The account whose pipeline publishes the AMIs. */
  readonly ownerAccountId: string;
  /**
   * Revoked builds (AMI name → reason, already escaped for Terraform): a latest lookup skips every
   * region's copy of them (the next newest wins); a pinned one fails the plan with the reason. By name,
   * because a build's copies share its name and have an id per region. @default - none
   */
  readonly revoked?: Readonly<Record<string, string>>;
  /**
   * Who the image's distribution shares its AMIs with, for the message when this account finds none:
   * the launch permissions as configured, the account that looks, and where to change them.
   * @default - the message says only to check the distribution's launch permissions
   */
  readonly sharing?: AmiSharing;
}

/** An image's launch permissions, as its distribution configures them. */
export interface AmiSharing {
  readonly organizationArns: ReadonlyArray<string>;
  readonly organizationalUnitArns: ReadonlyArray<string>;
  readonly accountIds: ReadonlyArray<string>;
  /** The account this stack runs in. */
  readonly consumerAccountId: string;
  /** The configuration field that sets them, such as images[0].distribution.launch_permissions. */
  readonly field: string;
}

/**
 * What to check when an account finds no AMI: no account can tell "not built yet" from "not shared
 * with me", so the message names both, with who the image is shared with and the fix.
 */
function notSharedHint(imageName: string, sharing: AmiSharing | undefined): string {
  if (!sharing) return `and check that its distribution shares the AMI with this account.`;
  const { organizationArns, organizationalUnitArns, accountIds, consumerAccountId: account } = sharing;
  const named = [
    ...organizationArns.map((arn) => `the organization ${arn}`),
    ...(organizationalUnitArns.length ? [`the OUs ${organizationalUnitArns.join(", ")}`] : []),
    ...(accountIds.length ? [`the accounts ${accountIds.join(", ")}`] : []),
  ];
  if (accountIds.includes(account))
    return `The image's launch permissions name this account (${account}) itself: check that the shared stack is applied (${sharing.field}).`;
  const within = [organizationArns.length ? "that organization" : "", organizationalUnitArns.length ? "one of those OUs" : ""].filter(Boolean).join(" or ");
  return (
    `If the pipeline has run, account ${account} is not among the image's launch permissions: they name ${named.join(", ") || "nobody"}` +
    `${within ? `, and ${account} sees the AMIs only if it is in ${within}` : ""}. ` +
    `Fix: add its OU or account to ${sharing.field} (image "${imageName}"), apply the shared stack, and build the image again.`
  );
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
      /** The EC2 `name` filter. @default - every AMI of the image (amiNameFilter) */
      nameFilter?: string;
      /** The build this lookup must find, when known before the plan (a channel's; a revoked pin's). */
      knownBuild?: string;
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
    // Terraform evaluates error messages even when the condition holds: lookup() with a default, not [name].
    const revokedNames = Object.keys(props.revoked ?? {});
    const revoked = revokedNames.length > 0 ? new TerraformLocal(this, "Revoked", { ...props.revoked }) : undefined;
    // A target known to be a revoked build fails with the revocation first: once deprecated or
    // disabled, it would otherwise fail below as merely "not available".
    const knownRevoked =
      revoked && extra.knownBuild !== undefined && Object.hasOwn(props.revoked!, extra.knownBuild)
        ? {
            condition: `\${!contains(keys(${revoked.fqn}), ${JSON.stringify(extra.knownBuild)})}`,
            errorMessage: `The AMI ${extra.origin} is revoked: build ${extra.knownBuild}: ${props.revoked![extra.knownBuild]}. ${extra.whenRevoked}`,
          }
        : undefined;
    // aws_ami fails on an empty result with a generic error; aws_ami_ids lets us say what is wrong.
    this.candidates = new DataAwsAmiIds(this, "Candidates", {
      owners: [props.ownerAccountId],
      filter: [{ name: "name", values: [extra.nameFilter ?? amiNameFilter(props.imageName)] }, { name: "state", values: ["available"] }, ...extra.filter],
      nameRegex: amiNameRegex(props.imageName),
      includeDeprecated: extra.includeDeprecated,
      sortAscending: false,
      lifecycle: {
        precondition: knownRevoked ? [knownRevoked] : undefined,
        postcondition: [{ condition: "${length(self.ids) > 0}", errorMessage: extra.whenNone(lookedFor) }],
      },
    });
    // This region's copies of the revoked builds (found by name, deprecated ones too), to leave out.
    const revokedCopies =
      revoked && extra.skipRevoked
        ? new DataAwsAmiIds(this, "RevokedCopies", {
            owners: [props.ownerAccountId],
            filter: [{ name: "name", values: revokedNames }],
            includeDeprecated: true,
          })
        : undefined;
    // Newest first, revoked AMIs left out: a for expression keeps aws_ami_ids' order (a set would not).
    const eligible = revokedCopies
      ? new TerraformLocal(this, "Eligible", `\${[for id in ${this.candidates.fqn}.ids : id if !contains(${revokedCopies.fqn}.ids, id)]}`)
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
                condition: `\${!contains(keys(${revoked.fqn}), self.name)}`,
                errorMessage: `The AMI \${self.id} (${extra.origin}) is revoked: build \${self.name}: \${lookup(${revoked.fqn}, self.name, "")}. ${extra.whenRevoked}`,
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
        `Run the "${props.imageName}" pipeline in the shared account first (cdktf deploy shared, then golden-ami build ${props.imageName}). ` +
        notSharedHint(props.imageName, props.sharing),
      skipRevoked: true,
      whenAllRevoked: (lookedFor) =>
        `Every AMI of image "${props.imageName}" found (${lookedFor}) is revoked. Build and publish a new one (start the "${props.imageName}" pipeline).`,
      origin: `the newest AMI of image ${props.imageName}`,
      whenRevoked: "Latest lookups skip revoked AMIs; if this appears, the revocation list changed during the plan.",
    });
  }
}

export interface PinnedSharedAmiProps extends SharedAmiProps {
  /**
   * The AMI to run: an id (a literal, or a value read at plan time) names one region's copy; a build's
   * AMI name finds this region's copy of that build (what a channel serves).
   */
  readonly match: { readonly imageId: string } | { readonly amiName: string };
  /** Where the AMI comes from, for the failure message. */
  readonly origin: string;
  /** Accept a deprecated AMI. @default true - it was chosen by hand; a channel's must not be deprecated */
  readonly includeDeprecated?: boolean;
  /** The build (AMI name) the id is known to be, when a revocation names it. @default - unknown until the plan */
  readonly knownBuild?: string;
}

/** One given AMI, checked to be an available AMI of the image owned by the shared account (deprecated allowed: it was chosen). */
export class PinnedSharedAmi extends SharedAmiLookup {
  constructor(scope: Construct, id: string, props: PinnedSharedAmiProps) {
    const byName = "amiName" in props.match ? props.match.amiName : undefined;
    super(scope, id, props, {
      filter: "imageId" in props.match ? [{ name: "image-id", values: [props.match.imageId] }] : [],
      nameFilter: byName,
      knownBuild: byName ?? props.knownBuild,
      includeDeprecated: props.includeDeprecated ?? true,
      whenNone: (lookedFor) =>
        byName
          ? `The AMI ${props.origin} has no available${props.includeDeprecated === false ? ", non-deprecated" : ""} copy in this region: looked for ${lookedFor} named exactly "${byName}". ` +
            `Check that image "${props.imageName}" distributes to this region (images[].distribution.regions) and that the build was not deleted. ` +
            notSharedHint(props.imageName, props.sharing)
          : `The AMI ${props.origin} is not an available${props.includeDeprecated === false ? ", non-deprecated" : ""} AMI of image "${props.imageName}": looked for it among ${lookedFor}. ` +
            notSharedHint(props.imageName, props.sharing),
      skipRevoked: false,
      whenAllRevoked: () => `The AMI ${props.origin} is revoked.`,
      origin: props.origin,
      whenRevoked: "Promote or pin another AMI of the image (golden-ami promote, or ami.image_id), then plan again.",
    });
  }
}
