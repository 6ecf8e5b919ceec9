import { channelEntry, type Channels, type Revocation } from "./supply-chain";
import { Problem, showValue } from "./problems";
import type { AmiSourceConfig, Config } from "./schema";
import { amiNameRegex } from "../conventions/ami-names";

function buildNameProblems(image: string, amiName: string, path: string): Problem[] {
  return new RegExp(amiNameRegex(image)).test(amiName)
    ? []
    : [{ path, message: `got ${showValue(amiName)}, expected an AMI name of image ${image} (${amiNameRegex(image)})` }];
}

/**
 * Channels that workloads follow exist, and revocations name configured images. A pin or channel
 * on a revoked AMI is NOT refused here: that fails the one stack's plan, with the reason (the
 * lookup's postcondition), while every other stack, such as one rolling back, still plans.
 */
export function supplyChainProblems(config: Config, channels: Channels, revocations: ReadonlyArray<Revocation>, channelsFile: string): Problem[] {
  const images = new Set(config.images.map((i) => i.name));
  const problems: Problem[] = revocations.flatMap((r, i) => {
    if (!images.has(r.image)) return [{ path: `revocations[${i}].image`, message: `got ${showValue(r.image)}, expected one of the configured images` }];
    return buildNameProblems(r.image, r.ami_name, `revocations[${i}].ami_name`);
  });
  // A build name is what every region's lookup filters on: it must be a name the image's pipeline gives.
  for (const [image, byChannel] of Object.entries(channels)) {
    for (const [channel, entry] of Object.entries(byChannel))
      problems.push(...buildNameProblems(image, entry.ami_name, `channels.${image}.${channel}.ami_name`));
  }
  const check = (image: string, source: AmiSourceConfig, path: string) => {
    if (source.source !== "channel") return;
    const entry = channelEntry(channels, image, source.channel);
    if (!entry) {
      const known = Object.keys(channels[image] ?? {});
      problems.push({
        path: `${path}.channel`,
        message: `got ${showValue(source.channel)}, but ${channelsFile} has no channel ${source.channel} for image ${image}${known.length ? ` (it has ${known.join(", ")})` : ""}; expected an existing channel, or run golden-ami promote --image ${image} --to ${source.channel}`,
      });
    }
  };
  config.workloads.forEach((workload, i) => {
    if (workload.retired) return; // its stack looks nothing up
    check(workload.image, workload.ami, `workloads[${i}].ami`);
    for (const colour of ["blue", "green"] as const) {
      const settings = workload.blue_green?.[colour];
      if (settings) check(workload.image, settings.ami, `workloads[${i}].blue_green.${colour}.ami`);
    }
  });
  return problems;
}
