import type { Channels, Revocation } from "./supply-chain";
import { Problem, showValue } from "./problems";
import type { AmiSourceConfig, Config } from "./schema";

/** Channels that workloads follow exist; pins and channels do not point at revoked AMIs. */
export function supplyChainProblems(config: Config, channels: Channels, revocations: ReadonlyArray<Revocation>, channelsFile: string): Problem[] {
  const revoked = new Map(revocations.map((r) => [r.ami_id, r]));
  const images = new Set(config.images.map((i) => i.name));
  const problems: Problem[] = revocations.flatMap((r, i) =>
    images.has(r.image) ? [] : [{ path: `revocations[${i}].image`, message: `got ${showValue(r.image)}, expected one of the configured images` }],
  );
  const check = (image: string, source: AmiSourceConfig, path: string) => {
    if (source.source === "pinned" && revoked.has(source.image_id)) {
      problems.push({
        path: `${path}.image_id`,
        message: `got ${showValue(source.image_id)}, which is revoked: ${revoked.get(source.image_id)!.reason}; expected another AMI of ${image}`,
      });
    }
    if (source.source !== "channel") return;
    const entry = channels[image]?.[source.channel];
    if (!entry) {
      const known = Object.keys(channels[image] ?? {});
      problems.push({
        path: `${path}.channel`,
        message: `got ${showValue(source.channel)}, but ${channelsFile} has no channel ${source.channel} for image ${image}${known.length ? ` (it has ${known.join(", ")})` : ""}; expected an existing channel, or run golden-ami promote --image ${image} --to ${source.channel}`,
      });
    } else if (revoked.has(entry.ami_id)) {
      problems.push({
        path: `${path}.channel`,
        message: `got ${showValue(source.channel)}, whose AMI ${entry.ami_id} (${entry.ami_name}) is revoked: ${revoked.get(entry.ami_id)!.reason}; expected a channel serving an AMI that is not revoked (promote another)`,
      });
    }
  };
  config.workloads.forEach((workload, i) => {
    check(workload.image, workload.ami, `workloads[${i}].ami`);
    for (const colour of ["blue", "green"] as const) {
      const settings = workload.blue_green?.[colour];
      if (settings) check(workload.image, settings.ami, `workloads[${i}].blue_green.${colour}.ami`);
    }
  });
  return problems;
}
