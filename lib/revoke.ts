// Revocation: a build withdrawn for a reason. Recorded in the revocations file by its AMI name, which
// every region's copy shares (latest lookups skip every copy, pins and channels on it fail that
// stack's plan with the reason) and, on request, deprecated or disabled in every region it was
// distributed to, so that lookups outside this project stop finding it too.
import { DescribeImagesCommand, DisableImageCommand, EnableImageDeprecationCommand, type Image } from "@aws-sdk/client-ec2";
import { SHARED_STACK_NAME } from "../conventions/names";
import type { LoadedConfig } from "../config/load";
import type { Config } from "../config/schema";
import { channelEntry, Revocation, revocationOf, revocationsPath, writeRevocations } from "../config/supply-chain";
import { amiNameRegex } from "../conventions/ami-names";
import { AwsAccess, stackTarget } from "./aws-access";
import { GoldenAmiError } from "../conventions/errors";

export interface RevokeRequest {
  readonly amiId: string;
  readonly reason: string;
  /** @default - found from the AMI's name */
  readonly image?: string;
  /**
   * The build's AMI name, for recording without reading AWS (no credentials in the shared account).
   * @default - read from the AMI
   */
  readonly amiName?: string;
  /** Deprecate every copy: lookups stop finding it; launches by id go on. */
  readonly deprecate: boolean;
  /** Disable every copy: no new launch anywhere, and its launch permissions are removed. */
  readonly disable?: boolean;
  readonly now: Date;
}

export interface RevokedCopy {
  readonly region: string;
  readonly amiId: string;
}

export interface RevokeResult {
  readonly image: string;
  readonly amiName: string;
  readonly file: string;
  /** False when the build was already revoked: the file is unchanged. */
  readonly recorded: boolean;
  /** Every region's copy found (empty when AWS was not read). */
  readonly copies: ReadonlyArray<RevokedCopy>;
  readonly deprecated: boolean;
  readonly disabled: boolean;
  /** Workloads that pin the AMI or follow a channel serving the build: their plans now fail until they move. */
  readonly stranded: ReadonlyArray<{ readonly workload: string; readonly via: string }>;
  /** Why the AMI could not be read, when it could not (recorded from --ami-name). */
  readonly unchecked?: string;
}

/** Thrown when the AMI cannot be tied to one build of the configuration's images. */
export class RevocationRefused extends GoldenAmiError {}

/** The regions an image's copies live in: its distribution regions, the shared region first. */
export function distributionRegions(config: Config, image: string | undefined): string[] {
  const regions = image
    ? (config.images.find((i) => i.name === image)?.distribution.regions ?? [])
    : config.images.flatMap((i) => i.distribution.regions ?? []);
  return [...new Set([config.shared.region, ...regions])];
}

/**
 * Records the revocation of the build (unless already recorded) and optionally deprecates or disables
 * every copy of it; reads with the shared account's plan role, changes with its deploy role.
 */
export async function revoke(loaded: LoadedConfig, request: RevokeRequest, access = new AwsAccess("revoke")): Promise<RevokeResult> {
  const { config } = loaded;
  const changes = request.deprecate || request.disable === true;
  const ec2 = (region: string) => access.ec2(stackTarget(config, SHARED_STACK_NAME, changes ? "deploy" : "plan", region));
  const found = await findAmi(config, request, ec2);
  if (found.image && request.amiName !== undefined && found.image.Name !== request.amiName)
    throw new RevocationRefused(`${request.amiId} is named "${found.image.Name}", not "${request.amiName}" (--ami-name)`);
  const amiName = found.image?.Name ?? request.amiName;
  if (!amiName) throw new RevocationRefused(found.problem!);
  const image = imageOfBuild(config, amiName, request.image);
  const file = revocationsPath(loaded.configPath);
  const recorded = !revocationOf(loaded.revocations, amiName);
  if (recorded) {
    const entry: Revocation = {
      ami_id: request.amiId,
      ami_name: amiName,
      image,
      reason: request.reason.trim(),
      revoked_at: request.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    writeRevocations(file, [...loaded.revocations, entry]);
  }
  // Recorded first: if a region refuses below, the file already says what was meant, and a rerun is idempotent.
  const copies = found.image ? await copiesOf(config, image, amiName, ec2) : [];
  for (const copy of copies) {
    if (request.deprecate) {
      // EC2 takes a deprecation time in the future; a minute from now is "now" for every lookup that follows.
      await ec2(copy.region).send(new EnableImageDeprecationCommand({ ImageId: copy.amiId, DeprecateAt: new Date(request.now.getTime() + 60_000) }));
    }
    if (request.disable) await ec2(copy.region).send(new DisableImageCommand({ ImageId: copy.amiId }));
  }
  const stranded = config.workloads
    .filter((w) => w.image === image && !w.retired)
    .flatMap((w) => {
      if (w.ami.source === "pinned" && w.ami.image_id === request.amiId) return [{ workload: w.name, via: "pins it" }];
      if (w.ami.source === "channel" && channelEntry(loaded.channels, image, w.ami.channel)?.ami_name === amiName)
        return [{ workload: w.name, via: `follows channel ${w.ami.channel}, which serves it` }];
      return [];
    });
  return {
    image,
    amiName,
    file,
    recorded,
    copies,
    deprecated: request.deprecate && copies.length > 0,
    disabled: request.disable === true && copies.length > 0,
    stranded,
    unchecked: found.image ? undefined : found.problem,
  };
}

/**
 * The AMI, owned by the shared account, in the shared region or any distribution region (deprecated
 * and disabled ones included). A mistyped id must not be recorded silently: without an answer from
 * AWS, only an explicit --ami-name records it.
 */
async function findAmi(
  config: Config,
  request: RevokeRequest,
  ec2: (region: string) => ReturnType<AwsAccess["ec2"]>,
): Promise<{ image?: Image; problem?: string }> {
  const regions = distributionRegions(config, request.image);
  const unreadable: string[] = [];
  for (const region of regions) {
    try {
      const { Images = [] } = await ec2(region).send(
        new DescribeImagesCommand({ ImageIds: [request.amiId], Owners: [config.shared.account_id], IncludeDeprecated: true, IncludeDisabled: true }),
      );
      if (Images[0]) return { image: Images[0] };
    } catch (error) {
      const e = error as { name?: string; message?: string };
      if (e.name !== "InvalidAMIID.NotFound" && e.name !== "InvalidAMIID.Malformed") unreadable.push(`${region}: ${e.name}: ${e.message}`);
    }
  }
  if (unreadable.length === 0) {
    if (request.amiName) throw new RevocationRefused(`${request.amiId} is not an AMI of the shared account ${config.shared.account_id}; check the id`);
    throw new RevocationRefused(`${request.amiId} is not an AMI of the shared account ${config.shared.account_id} in ${regions.join(", ")}; check the id`);
  }
  if (request.deprecate || request.disable)
    throw new RevocationRefused(`cannot read ${request.amiId} in the shared account (${unreadable.join("; ")}), so it cannot be deprecated or disabled`);
  return {
    problem: request.amiName
      ? unreadable.join("; ")
      : `cannot read ${request.amiId} in the shared account (${unreadable.join("; ")}); a revocation names the build, so pass --ami-name <its AMI name> to record it unchecked`,
  };
}

/** The image a build belongs to (its name follows exactly one image's pattern), checked against --image. */
function imageOfBuild(config: Config, amiName: string, requested: string | undefined): string {
  const matching = config.images.filter((i) => new RegExp(amiNameRegex(i.name)).test(amiName)).map((i) => i.name);
  if (requested !== undefined) {
    if (!matching.includes(requested)) throw new RevocationRefused(`"${amiName}" is not an AMI name of image ${requested} (${amiNameRegex(requested)})`);
    return requested;
  }
  if (matching.length !== 1)
    throw new RevocationRefused(
      `cannot tell which image "${amiName}" belongs to (${matching.length === 0 ? "it matches no image's AMI name" : `it matches ${matching.join(", ")}`}); pass --image`,
    );
  return matching[0];
}

/** Every region's copy of a build: same owner, same exact name. */
async function copiesOf(config: Config, image: string, amiName: string, ec2: (region: string) => ReturnType<AwsAccess["ec2"]>): Promise<RevokedCopy[]> {
  const copies: RevokedCopy[] = [];
  for (const region of distributionRegions(config, image)) {
    const { Images = [] } = await ec2(region).send(
      new DescribeImagesCommand({
        Owners: [config.shared.account_id],
        Filters: [{ Name: "name", Values: [amiName] }],
        IncludeDeprecated: true,
        IncludeDisabled: true,
      }),
    );
    for (const found of Images) if (found.ImageId && found.Name === amiName) copies.push({ region, amiId: found.ImageId });
  }
  return copies;
}
