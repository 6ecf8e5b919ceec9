// Promotion: a channel takes the AMI that an environment (or another channel) runs, once it has run
// it long enough and it is not revoked. The result is a change to the channels file, for review.
import { DescribeImagesCommand, paginateDescribeLaunchTemplateVersions } from "@aws-sdk/client-ec2";
import { SHARED_STACK_NAME } from "../config/conventions";
import type { Config } from "../config/schema";
import { channelEntry, type ChannelEntry, type Channels, type Revocation } from "../config/supply-chain";
import { allPages, AwsAccess, stackTarget } from "./aws-access";
import { runningAmi, stateOutputs, stateReader } from "./fleet";

export interface PromoteRequest {
  readonly image: string;
  /** A configuration environment of the image's workloads, or a channel of the image. */
  readonly from: string;
  readonly to: string;
  readonly soakHours: number;
  readonly now: Date;
  readonly commit?: string;
  readonly stateDir?: string;
  /** Where AWS clients come from. @default - the environment's credentials and the configured roles */
  readonly access?: AwsAccess;
}

export class PromotionRefused extends Error {}

interface Source {
  readonly amiId: string;
  /** Since when the source has served this AMI. */
  readonly since?: Date;
  readonly what: string;
}

/** The new channels (unchanged input objects) with `to` serving what `from` runs; throws PromotionRefused otherwise. */
export async function promote(
  config: Config,
  channels: Channels,
  revocations: ReadonlyArray<Revocation>,
  request: PromoteRequest,
): Promise<{ channels: Channels; entry: ChannelEntry; unchanged: boolean }> {
  if (!config.images.some((i) => i.name === request.image))
    throw new PromotionRefused(`unknown image "${request.image}"; images are ${config.images.map((i) => i.name).join(", ")}`);
  if (request.from === request.to) throw new PromotionRefused(`--from and --to are both "${request.to}"`);
  const fromEntry = channelEntry(channels, request.image, request.from);
  const source = fromEntry ? fromChannel(fromEntry, request.from) : await fromEnvironment(config, request);
  const revoked = revocations.find((r) => r.ami_id === source.amiId);
  if (revoked) throw new PromotionRefused(`${source.what} runs ${source.amiId}, which is revoked: ${revoked.reason}`);
  if (request.soakHours > 0) {
    if (!source.since)
      throw new PromotionRefused(`cannot tell since when ${source.what} runs ${source.amiId}, so its soak time of ${request.soakHours} h cannot be checked`);
    const hours = (request.now.getTime() - source.since.getTime()) / 3_600_000;
    if (hours < request.soakHours) {
      throw new PromotionRefused(
        `${source.what} has run ${source.amiId} for ${hours.toFixed(1)} h, less than the soak time of ${request.soakHours} h (promotion.soak_hours); promote it after ${new Date(source.since.getTime() + request.soakHours * 3_600_000).toISOString()}`,
      );
    }
  }
  const name = await amiName(config, source.amiId, request.access ?? new AwsAccess("promote"));
  const current = channelEntry(channels, request.image, request.to);
  if (current?.ami_id === source.amiId) return { channels, entry: current, unchanged: true };
  const entry: ChannelEntry = {
    ami_id: source.amiId,
    ami_name: name,
    promoted_from: request.from,
    promoted_at: request.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    ...(request.commit && /^[0-9a-f]{7,40}$/.test(request.commit) ? { commit: request.commit } : {}),
  };
  return { channels: { ...channels, [request.image]: { ...channels[request.image], [request.to]: entry } }, entry, unchanged: false };
}

function fromChannel(entry: ChannelEntry, channel: string): Source {
  return { amiId: entry.ami_id, since: new Date(entry.promoted_at), what: `channel ${channel}` };
}

/** What every workload of the image in that environment runs (they must agree), and since when. */
async function fromEnvironment(config: Config, request: PromoteRequest): Promise<Source> {
  const workloads = config.workloads.filter((w) => w.image === request.image && w.environment === request.from && !w.blue_green);
  if (workloads.length === 0) {
    throw new PromotionRefused(`"${request.from}" is neither a channel of ${request.image} nor an environment with a rolling workload of ${request.image}`);
  }
  const access = request.access ?? new AwsAccess("promote");
  const read = stateReader(config, { stateDir: request.stateDir, access });
  const running = await Promise.all(
    workloads.map(async (w) => {
      const state = await read(w.name);
      let ami, templateId;
      try {
        ami = runningAmi(state);
        templateId = state && stateOutputs(state).launch_template_id?.value;
      } catch (error) {
        throw new PromotionRefused(`${w.name} (${request.from}): ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!ami) throw new PromotionRefused(`${w.name} (${request.from}) has no state yet: nothing to promote`);
      return { workload: w, ami, since: typeof templateId === "string" ? await runningSince(access, config, w, templateId, ami.id) : undefined };
    }),
  );
  const ids = [...new Set(running.map((r) => r.ami.id))];
  if (ids.length > 1) {
    throw new PromotionRefused(
      `the workloads of ${request.from} run different AMIs (${running.map((r) => `${r.workload.name}: ${r.ami.id}`).join(", ")}); roll them onto one first`,
    );
  }
  const since = running.every((r) => r.since) ? new Date(Math.max(...running.map((r) => r.since!.getTime()))) : undefined;
  return { amiId: ids[0], since, what: `environment ${request.from}` };
}

/** When the workload's launch template first got this AMI: the creation of the oldest version with it. */
async function runningSince(
  access: AwsAccess,
  config: Config,
  workload: Config["workloads"][number],
  templateId: string,
  amiId: string,
): Promise<Date | undefined> {
  const ec2 = access.ec2(stackTarget(config, workload.name, "plan"));
  const versions = await allPages(
    paginateDescribeLaunchTemplateVersions({ client: ec2 }, { LaunchTemplateId: templateId }),
    (page) => page.LaunchTemplateVersions,
  );
  const times = versions.filter((v) => v.LaunchTemplateData?.ImageId === amiId && v.CreateTime).map((v) => new Date(v.CreateTime!).getTime());
  return times.length > 0 ? new Date(Math.min(...times)) : undefined;
}

/** The AMI's name, which also proves it is an available AMI owned by the shared account. */
export async function amiName(config: Config, amiId: string, access: AwsAccess): Promise<string> {
  const ec2 = access.ec2(stackTarget(config, SHARED_STACK_NAME, "plan"));
  const { Images = [] } = await ec2.send(new DescribeImagesCommand({ ImageIds: [amiId], Owners: [config.shared.account_id], IncludeDeprecated: true }));
  const image = Images[0];
  if (!image?.Name) throw new PromotionRefused(`${amiId} is not an AMI owned by the shared account ${config.shared.account_id}`);
  if (image.State !== "available") throw new PromotionRefused(`${amiId} is ${image.State}, not available`);
  return image.Name;
}
