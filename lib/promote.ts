// Promotion: a channel takes the AMI that an environment (or another channel) runs, once it has run
// it long enough and it is not revoked. The result is a change to the channels file, for review.
import { DescribeInstanceRefreshesCommand, type InstanceRefresh } from "@aws-sdk/client-auto-scaling";
import { DescribeImagesCommand, paginateDescribeLaunchTemplateVersions, type LaunchTemplateVersion } from "@aws-sdk/client-ec2";
import { SHARED_STACK_NAME } from "../conventions/names";
import type { Config } from "../config/schema";
import { channelEntry, revocationOf, type ChannelEntry, type Channels, type Revocation } from "../config/supply-chain";
import { allPages, AwsAccess, stackTarget } from "./aws-access";
import { runningAmi, stateOutputs, stateReader } from "./state";
import { GoldenAmiError } from "../conventions/errors";

export interface PromoteRequest {
  readonly image: string;
  /** A configuration environment of the image's workloads, or a channel of the image. */
  readonly from: string;
  readonly to: string;
  readonly soakHours: number;
  readonly now: Date;
  readonly commit?: string;
  readonly stateDir?: string;
}

export class PromotionRefused extends GoldenAmiError {
  override summary(): string {
    return `promotion refused: ${this.message}`;
  }
}

interface Source {
  /** The build's id where the source runs it. */
  readonly amiId: string;
  /** The build: its AMI name, the same in every region. */
  readonly amiName: string;
  /** Since when the source has served this build, by the evidence (see soakStart). */
  readonly since?: Date;
  readonly what: string;
}

/** The new channels (unchanged input objects) with `to` serving the build `from` runs; throws PromotionRefused otherwise. */
export async function promote(
  config: Config,
  channels: Channels,
  revocations: ReadonlyArray<Revocation>,
  request: PromoteRequest,
): Promise<{ channels: Channels; entry: ChannelEntry; unchanged: boolean }> {
  if (!config.images.some((i) => i.name === request.image))
    throw new PromotionRefused(`unknown image "${request.image}"; images are ${config.images.map((i) => i.name).join(", ")}`);
  if (request.from === request.to) throw new PromotionRefused(`--from and --to are both "${request.to}"`);
  const access = new AwsAccess("promote");
  const fromEntry = channelEntry(channels, request.image, request.from);
  const source = fromEntry ? fromChannel(fromEntry, request.from) : await fromEnvironment(config, request, access);
  const revoked = revocationOf(revocations, source.amiName);
  if (revoked) throw new PromotionRefused(`${source.what} runs ${source.amiId} (build ${source.amiName}), which is revoked: ${revoked.reason}`);
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
  const current = channelEntry(channels, request.image, request.to);
  if (current?.ami_name === source.amiName) return { channels, entry: current, unchanged: true };
  const entry: ChannelEntry = {
    ami_id: source.amiId,
    ami_name: source.amiName,
    promoted_from: request.from,
    promoted_at: request.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    ...(request.commit && /^[0-9a-f]{7,40}$/.test(request.commit) ? { commit: request.commit } : {}),
  };
  return { channels: { ...channels, [request.image]: { ...channels[request.image], [request.to]: entry } }, entry, unchanged: false };
}

function fromChannel(entry: ChannelEntry, channel: string): Source {
  return { amiId: entry.ami_id, amiName: entry.ami_name, since: new Date(entry.promoted_at), what: `channel ${channel}` };
}

type Workload = Config["workloads"][number];

/** The build every workload of the image in that environment runs (they must agree, in any region), and since when. */
async function fromEnvironment(config: Config, request: PromoteRequest, access: AwsAccess): Promise<Source> {
  const workloads = config.workloads.filter((w) => w.image === request.image && w.environment === request.from && !w.blue_green && !w.retired);
  if (workloads.length === 0) {
    throw new PromotionRefused(`"${request.from}" is neither a channel of ${request.image} nor an environment with a rolling workload of ${request.image}`);
  }
  const read = stateReader(config, { stateDir: request.stateDir, access });
  const running = await Promise.all(
    workloads.map(async (w) => {
      const state = await read(w.name);
      let ami, outputs;
      try {
        ami = runningAmi(state);
        outputs = state ? stateOutputs(state) : {};
      } catch (error) {
        throw new PromotionRefused(`${w.name} (${request.from}): ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!ami) throw new PromotionRefused(`${w.name} (${request.from}) has no state yet: nothing to promote`);
      // The name proves the AMI is an available AMI of the shared account, in the workload's region.
      const amiName = await availableAmiName(config, ami.id, w.region, access);
      const templateId = outputs.launch_template_id?.value;
      const group = outputs.auto_scaling_group_name?.value;
      const since =
        typeof templateId === "string"
          ? await runningSince(access, config, w, { templateId, group: typeof group === "string" ? group : undefined, amiId: ami.id })
          : undefined;
      return { workload: w, ami, amiName, since };
    }),
  );
  const names = [...new Set(running.map((r) => r.amiName))];
  if (names.length > 1) {
    throw new PromotionRefused(
      `the workloads of ${request.from} run different builds (${running.map((r) => `${r.workload.name}: ${r.amiName}`).join(", ")}); roll them onto one first`,
    );
  }
  const since = running.every((r) => r.since) ? new Date(Math.max(...running.map((r) => r.since!.getTime()))) : undefined;
  return { amiId: running[0].ami.id, amiName: names[0], since, what: `environment ${request.from}` };
}

/** The evidence of how long a workload has run an AMI: its launch template's versions and, with instance refresh, its refreshes. */
async function runningSince(
  access: AwsAccess,
  config: Config,
  workload: Workload,
  running: { templateId: string; group?: string; amiId: string },
): Promise<Date | undefined> {
  const target = stackTarget(config, workload.name, "plan");
  const versions = await allPages(
    paginateDescribeLaunchTemplateVersions({ client: access.ec2(target) }, { LaunchTemplateId: running.templateId }),
    (page) => page.LaunchTemplateVersions,
  );
  // Without instance refresh there is no refresh to wait for: new instances get the AMI as they launch.
  const refreshes =
    workload.auto_scaling.instance_refresh.enabled && running.group
      ? ((await access.autoScaling(target).send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: running.group, MaxRecords: 20 })))
          .InstanceRefreshes ?? [])
      : undefined;
  const start = soakStart(versions, refreshes, running.amiId);
  if ("refused" in start) throw new PromotionRefused(`${workload.name}: ${start.refused}`);
  return start.since;
}

/**
 * Since when a workload has served `amiId`, by evidence:
 * - the creation of the oldest launch template version of the newest unbroken run of versions with it
 *   (a rollback and return restarts the count: the run before it is not evidence for now);
 * - with instance refresh (`refreshes` given), the end of the last refresh since then, which must have
 *   succeeded: a failed, cancelled or rolled-back refresh means the fleet does not run it (docs/rollout.md's
 *   bad-AMI case keeps the new template version), and one still running has proved nothing yet.
 */
export function soakStart(
  versions: ReadonlyArray<LaunchTemplateVersion>,
  refreshes: ReadonlyArray<InstanceRefresh> | undefined,
  amiId: string,
): { since?: Date } | { refused: string } {
  const newestFirst = [...versions].filter((v) => v.VersionNumber !== undefined).sort((a, b) => b.VersionNumber! - a.VersionNumber!);
  let streakStart: LaunchTemplateVersion | undefined;
  for (const version of newestFirst) {
    if (version.LaunchTemplateData?.ImageId !== amiId) break;
    streakStart = version;
  }
  if (!streakStart?.CreateTime) return { since: undefined };
  const since = new Date(streakStart.CreateTime);
  if (!refreshes) return { since };
  const latest = [...refreshes]
    .filter((r) => r.StartTime && new Date(r.StartTime) >= since)
    .sort((a, b) => new Date(b.StartTime!).getTime() - new Date(a.StartTime!).getTime())[0];
  if (!latest)
    return {
      refused: `no instance refresh has rolled ${amiId} out since its launch template version ${streakStart.VersionNumber} (${since.toISOString()}); apply, or wait for the refresh`,
    };
  const what = `its last instance refresh (${latest.InstanceRefreshId}, started ${new Date(latest.StartTime!).toISOString()})`;
  switch (latest.Status) {
    case "Successful":
      return { since: latest.EndTime ? new Date(latest.EndTime) : since };
    case "Failed":
    case "Cancelled":
    case "RollbackSuccessful":
    case "RollbackFailed":
      return { refused: `${what} ended ${latest.Status}${latest.StatusReason ? ` (${latest.StatusReason})` : ""}: the fleet does not run ${amiId}` };
    default:
      return { refused: `${what} is ${latest.Status}: ${amiId} has not soaked while it rolls out` };
  }
}

/** The AMI's name, which also proves it is an available AMI owned by the shared account in that region. */
async function availableAmiName(config: Config, amiId: string, region: string, access: AwsAccess): Promise<string> {
  const ec2 = access.ec2(stackTarget(config, SHARED_STACK_NAME, "plan", region));
  const { Images = [] } = await ec2.send(new DescribeImagesCommand({ ImageIds: [amiId], Owners: [config.shared.account_id], IncludeDeprecated: true }));
  const image = Images[0];
  if (!image?.Name) throw new PromotionRefused(`${amiId} is not an AMI owned by the shared account ${config.shared.account_id} in ${region}`);
  if (image.State !== "available") throw new PromotionRefused(`${amiId} is ${image.State}, not available`);
  return image.Name;
}
