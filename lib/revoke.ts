// Revocation: an AMI withdrawn for a reason. Recorded in the revocations file (latest lookups skip it,
// pins and channels on it fail that stack's plan with the reason) and, on request, deprecated in the
// shared account so that lookups outside this project stop finding it.
import { DescribeImagesCommand, EnableImageDeprecationCommand } from "@aws-sdk/client-ec2";
import { SHARED_STACK_NAME } from "../config/conventions";
import type { LoadedConfig } from "../config/load";
import { channelEntry, Revocation, revocationsPath, writeRevocations } from "../config/supply-chain";
import { amiNameRegex } from "../constructs/ami-conventions";
import { AwsAccess, stackTarget } from "./aws-access";

export interface RevokeRequest {
  readonly amiId: string;
  readonly reason: string;
  /** @default - found from the AMI's name in the shared account */
  readonly image?: string;
  readonly deprecate: boolean;
  readonly now: Date;
}

export interface RevokeResult {
  readonly image: string;
  readonly file: string;
  /** False when the AMI was already revoked: the file is unchanged. */
  readonly recorded: boolean;
  readonly deprecated: boolean;
  /** Workloads that pin the AMI or follow a channel serving it: their plans now fail until they move. */
  readonly stranded: ReadonlyArray<{ readonly workload: string; readonly via: string }>;
  /** Why the AMI's existence could not be checked, when it could not (recorded anyway, as --image asked). */
  readonly unchecked?: string;
}

/** Thrown when the AMI cannot be tied to one of the configuration's images. */
export class RevocationRefused extends Error {}

/** Records the revocation (unless already recorded) and optionally deprecates the AMI; the shared account's deploy role. */
export async function revoke(loaded: LoadedConfig, request: RevokeRequest, access = new AwsAccess("revoke")): Promise<RevokeResult> {
  const { config } = loaded;
  // Deprecation changes the shared account: its deploy role, which may also describe the AMI.
  const ec2 = () => access.ec2(stackTarget(config, SHARED_STACK_NAME, "deploy"));
  // A mistyped id must not be recorded silently: the AMI must exist in the shared account (deprecated
  // and disabled ones included). Without credentials there, --image records it with a warning.
  let found: { name?: string } | undefined;
  let unchecked: string | undefined;
  try {
    const { Images = [] } = await ec2().send(
      new DescribeImagesCommand({ ImageIds: [request.amiId], Owners: [config.shared.account_id], IncludeDeprecated: true, IncludeDisabled: true }),
    );
    found = Images[0] ? { name: Images[0].Name } : undefined;
  } catch (error) {
    const e = error as { name?: string; message?: string };
    if (e.name === "InvalidAMIID.NotFound" || e.name === "InvalidAMIID.Malformed") found = undefined;
    else if (!request.image)
      throw new RevocationRefused(`cannot read ${request.amiId} in the shared account (${e.name}: ${e.message}); pass --image to record it unchecked`);
    else unchecked = `${e.name}: ${e.message}`;
  }
  if (!found && !unchecked)
    throw new RevocationRefused(`${request.amiId} is not an AMI of the shared account ${config.shared.account_id} in ${config.shared.region}; check the id`);
  const name = found?.name;
  const image = request.image ?? (name ? config.images.find((i) => new RegExp(amiNameRegex(i.name)).test(name))?.name : undefined);
  if (!image) throw new RevocationRefused(`cannot tell which image ${request.amiId} belongs to; pass --image`);
  const file = revocationsPath(loaded.configPath);
  const recorded = !loaded.revocations.some((r) => r.ami_id === request.amiId);
  if (recorded) {
    const entry: Revocation = { ami_id: request.amiId, image, reason: request.reason.trim(), revoked_at: request.now.toISOString().replace(/\.\d{3}Z$/, "Z") };
    writeRevocations(file, [...loaded.revocations, entry]);
  }
  if (request.deprecate) {
    // EC2 takes a deprecation time in the future; a minute from now is "now" for every lookup that follows.
    await ec2().send(new EnableImageDeprecationCommand({ ImageId: request.amiId, DeprecateAt: new Date(request.now.getTime() + 60_000) }));
  }
  const stranded = config.workloads
    .filter((w) => w.image === image)
    .flatMap((w) => {
      if (w.ami.source === "pinned" && w.ami.image_id === request.amiId) return [{ workload: w.name, via: "pins it" }];
      if (w.ami.source === "channel" && channelEntry(loaded.channels, image, w.ami.channel)?.ami_id === request.amiId)
        return [{ workload: w.name, via: `follows channel ${w.ami.channel}, which serves it` }];
      return [];
    });
  return { image, file, recorded, deprecated: request.deprecate, stranded, unchecked };
}
