// Channels and revocations: the AMI supply chain as files in Git beside the configuration, changed
// by reviewed pull requests (golden-ami promote / revoke write them).
import { existsSync } from "node:fs";
import { lock } from "proper-lockfile";
import { stringify } from "yaml";
import { z } from "zod";
import { formatPath, Problem, showValue } from "./problems";
import { readTextFile } from "./read-text";
import { writeProjectFile } from "./write-file";
import { parseYaml } from "./yaml-source";

const AMI_ID = /^ami-[0-9a-f]{8,17}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** A channel's name: what `promote --to` takes and the channels file holds. */
export const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * A channel serves a build, named by its AMI name: Image Builder gives every region's copy the same
 * name (one name template per distribution, rendered from the build's variables) but its own id, so
 * each workload resolves the name in its own region.
 */
export const ChannelEntrySchema = z.strictObject({
  /** The build's id where it was promoted from (for people and the lifecycle's retain tag). */
  ami_id: z.string().regex(AMI_ID, { message: "expected an AMI id such as ami-0123456789abcdef0" }),
  /** The build: what workloads look up, by owner and exact name, in their own region. */
  ami_name: z.string().min(3).max(128),
  /** The environment or channel it was promoted from. */
  promoted_from: z.string().regex(NAME),
  promoted_at: z.iso.datetime({ message: "expected an ISO 8601 time such as 2026-11-23T08:00:00Z" }),
  /** The commit of the configuration that promoted it. @default - none */
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/)
    .optional(),
});

/** image → channel → the AMI it serves. */
export const ChannelsSchema = z.record(z.string().regex(NAME), z.record(z.string().regex(CHANNEL_NAME), ChannelEntrySchema));

/** A revoked build: every region's copy of it (same name, other ids) is skipped or refused. */
export const RevocationSchema = z.strictObject({
  /** The id given to `golden-ami revoke` (one region's copy). */
  ami_id: z.string().regex(AMI_ID, { message: "expected an AMI id such as ami-0123456789abcdef0" }),
  /** The build's AMI name, the same in every region it was distributed to. */
  ami_name: z.string({ error: "expected the revoked build's AMI name, the same in every region (golden-ami revoke records it)" }).min(3).max(128),
  image: z.string().regex(NAME),
  reason: z.string().trim().min(10, { message: "expected a reason of at least 10 characters (what is wrong with it, a CVE or ticket)" }).max(500),
  revoked_at: z.iso.datetime({ message: "expected an ISO 8601 time such as 2026-11-23T08:00:00Z" }),
});

export const RevocationsSchema = z.array(RevocationSchema);

export type ChannelEntry = z.infer<typeof ChannelEntrySchema>;
export type Channels = z.infer<typeof ChannelsSchema>;
export type Revocation = z.infer<typeof RevocationSchema>;

/**
 * The entry of a channel of an image, if the file has one. Own keys only: "constructor" or "toString"
 * are names a user may type, and must never find Object.prototype's members.
 */
export function channelEntry(channels: Channels | undefined, image: string, channel: string): ChannelEntry | undefined {
  const ofImage = channels && Object.hasOwn(channels, image) ? channels[image] : undefined;
  return ofImage && Object.hasOwn(ofImage, channel) ? ofImage[channel] : undefined;
}

/** Revoked builds of one image: AMI name → reason. */
export function revokedBuilds(revocations: ReadonlyArray<Revocation>, image: string): Record<string, string> {
  return Object.fromEntries(revocations.filter((r) => r.image === image).map((r) => [r.ami_name, r.reason]));
}

/** The revocation of a build, if any (by name: it covers every region's copy). */
export function revocationOf(revocations: ReadonlyArray<Revocation>, amiName: string | undefined): Revocation | undefined {
  return amiName === undefined ? undefined : revocations.find((r) => r.ami_name === amiName);
}

/** `config/example.yaml` → `config/example.channels.yaml` */
export function channelsPath(configPath: string): string {
  return configPath.replace(/\.(ya?ml|json)$/i, "") + ".channels.yaml";
}

/** `config/example.yaml` → `config/example.revocations.yaml` */
export function revocationsPath(configPath: string): string {
  return configPath.replace(/\.(ya?ml|json)$/i, "") + ".revocations.yaml";
}

function readYamlFile<T>(file: string, schema: z.ZodType<T>, empty: T, display: string): { value: T; problems: Problem[] } {
  if (!existsSync(file)) return { value: empty, problems: [] };
  const read = readTextFile(file, { path: display, maxBytes: 1024 * 1024, limitReason: "supply-chain files are capped at 1 MiB" });
  if ("problem" in read) return { value: empty, problems: [read.problem] };
  const parsed = parseYaml(read.text);
  if ("problems" in parsed) return { value: empty, problems: parsed.problems.map((p) => ({ ...p, path: `${display} ${p.path}` })) };
  // The CLI always writes {} or [] at the least: an empty file is a truncated write, never "nothing".
  if (parsed.source.value === null || parsed.source.value === undefined) {
    return {
      value: empty,
      problems: [
        {
          path: display,
          message: `is empty (${read.text.length} bytes, no ${JSON.stringify(empty)}): a truncated write? Restore it with \`git checkout -- ${display}\``,
        },
      ],
    };
  }
  const result = schema.safeParse(parsed.source.value, { reportInput: true });
  if (result.success) return { value: result.data, problems: [] };
  return {
    value: empty,
    problems: result.error.issues.map((issue) => {
      const line = parsed.source.lineOf(issue.path);
      return {
        path: `${display}: ${formatPath(issue.path) || "(root)"}${line ? ` (line ${line})` : ""}`,
        message: `got ${showValue(issue.input)}, ${issue.message}`,
      };
    }),
  };
}

export function readChannels(file: string, display: string): { value: Channels; problems: Problem[] } {
  return readYamlFile(file, ChannelsSchema, {}, display);
}

export function readRevocations(file: string, display: string): { value: Revocation[]; problems: Problem[] } {
  return readYamlFile(file, RevocationsSchema, [], display);
}

const CHANNELS_HEADER = "# AMI channels, written by `golden-ami promote` and changed by reviewed pull requests (docs/supply-chain.md).\n";
const REVOCATIONS_HEADER = "# Revoked AMIs, written by `golden-ami revoke`: latest lookups skip them, pins and channels on them fail the plan.\n";

export function writeChannels(file: string, channels: Channels): void {
  writeValidated(file, ChannelsSchema, channels, CHANNELS_HEADER + stringify(channels, { sortMapEntries: true }));
}

export function writeRevocations(file: string, revocations: ReadonlyArray<Revocation>): void {
  writeValidated(file, RevocationsSchema, revocations, REVOCATIONS_HEADER + stringify(revocations));
}

/**
 * Validates `value` with the schema it will be read with, then replaces `file` whole (writeProjectFile).
 */
function writeValidated<T>(file: string, schema: z.ZodType<T>, value: unknown, text: string): void {
  const checked = schema.safeParse(value, { reportInput: true });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new Error(`refusing to write ${file}: ${formatPath(issue.path) || "(root)"}: got ${showValue(issue.input)}, ${issue.message}`);
  }
  writeProjectFile(file, text);
}

/**
 * Runs `work` (read the files, decide, write) while holding the supply-chain lock of a configuration
 * (`<config>.lock`): promote and revoke of one configuration run one after the other, never interleaved.
 */
export async function withSupplyChainLock<T>(configPath: string, work: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await lock(configPath, { realpath: false, stale: 60_000, retries: { retries: 150, factor: 1, minTimeout: 200, maxTimeout: 200 } });
  } catch (error) {
    throw new Error(
      `${configPath}.lock is held by another promote or revoke (waited 30 s); try again, or remove ${configPath}.lock if no such process runs (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  try {
    return await work();
  } finally {
    await release();
  }
}
