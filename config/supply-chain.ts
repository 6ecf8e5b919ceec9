// Channels and revocations: the AMI supply chain as files in Git beside the configuration, changed
// by reviewed pull requests (golden-ami promote / revoke write them).
import { existsSync } from "node:fs";
import { stringify } from "yaml";
import { z } from "zod";
import { dataFileStem } from "./data-files";
import { formatPath, Problem, showValue } from "./problems";
import { readTextFile } from "./read-text";
import { writeProjectFile } from "./write-file";
import { parseYaml } from "./yaml-source";
import { GoldenAmiError } from "../conventions/errors";

const AMI_ID = /^ami-[0-9a-f]{8,17}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** A channel's name: what `promote --to` takes and the channels file holds. */
export const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * A channel serves a build, named by its AMI name: Image Builder gives every region's copy the same
 * name (one name template per distribution, rendered from the build's variables) but its own id, so
 * each workload resolves the name in its own region.
 */
const ChannelEntrySchema = z.strictObject({
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
const ChannelsSchema = z.record(z.string().regex(NAME), z.record(z.string().regex(CHANNEL_NAME), ChannelEntrySchema));

/** A revoked build: every region's copy of it (same name, other ids) is skipped or refused. */
const RevocationSchema = z.strictObject({
  /** The id given to `golden-ami revoke` (one region's copy). */
  ami_id: z.string().regex(AMI_ID, { message: "expected an AMI id such as ami-0123456789abcdef0" }),
  /** The build's AMI name, the same in every region it was distributed to. */
  ami_name: z.string({ error: "expected the revoked build's AMI name, the same in every region (golden-ami revoke records it)" }).min(3).max(128),
  image: z.string().regex(NAME),
  reason: z.string().trim().min(10, { message: "expected a reason of at least 10 characters (what is wrong with it, a CVE or ticket)" }).max(500),
  revoked_at: z.iso.datetime({ message: "expected an ISO 8601 time such as 2026-11-23T08:00:00Z" }),
});

const RevocationsSchema = z.array(RevocationSchema);

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
  return dataFileStem(configPath) + ".channels.yaml";
}

/** `config/example.yaml` → `config/example.revocations.yaml` */
export function revocationsPath(configPath: string): string {
  return dataFileStem(configPath) + ".revocations.yaml";
}

/** Supply-chain files are capped, read and written alike: a writer never leaves what the next reader refuses. */
export const SUPPLY_CHAIN_MAX_BYTES = 1024 * 1024;
const LIMIT_REASON = "supply-chain files are capped at 1 MiB";

/**
 * The last line the CLI writes in a channels or revocations file. A file cut at an entry boundary
 * still parses as YAML; without this line (or with another count) it is refused as incomplete.
 */
export function endMarker(entries: number): string {
  return `# end: ${entries} ${entries === 1 ? "entry" : "entries"}\n`;
}
const END_MARKER = /^# end: (\d+) entr(?:y|ies)$/;

/** Entries a file holds, as its end marker counts them: revocations, or image × channel pairs. */
function entryCount(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return Object.values(value as Record<string, Record<string, unknown>>).reduce((n, ofImage) => n + Object.keys(ofImage).length, 0);
}

/** The end-marker check: the last non-empty line must be `# end: N entries` with N the file's count. */
function wholeFileProblem(text: string, entries: number, display: string): Problem | undefined {
  const lines = text.trimEnd().split("\n");
  const last = lines[lines.length - 1]?.trim() ?? "";
  const marker = END_MARKER.exec(last);
  const expected = endMarker(entries).trim();
  const restore = `a truncated write or a bad merge? Restore it with \`git checkout -- ${display}\`; after an edit by hand, end the file with the line "${expected}"`;
  if (!marker)
    return {
      path: display,
      message: `does not end with the line "${expected}" that golden-ami writes (its last line is ${JSON.stringify(last.slice(0, 80))}): ${restore}`,
    };
  if (Number(marker[1]) !== entries)
    return { path: display, message: `ends with "${last}" but holds ${entries} ${entries === 1 ? "entry" : "entries"}: ${restore}` };
  return undefined;
}

/** Reads a supply-chain file's text as the next command will: YAML, not empty, whole (end marker), the schema. */
function parseSupplyChainText<T>(text: string, schema: z.ZodType<T>, empty: T, display: string): { value: T; problems: Problem[] } {
  const parsed = parseYaml(text);
  if ("problems" in parsed) return { value: empty, problems: parsed.problems.map((p) => ({ ...p, path: `${display} ${p.path}` })) };
  // The CLI always writes {} or [] at the least: an empty file is a truncated write, never "nothing".
  if (parsed.source.value === null || parsed.source.value === undefined) {
    return {
      value: empty,
      problems: [
        {
          path: display,
          message: `is empty (${text.length} bytes, no ${JSON.stringify(empty)}): a truncated write? Restore it with \`git checkout -- ${display}\``,
        },
      ],
    };
  }
  const result = schema.safeParse(parsed.source.value, { reportInput: true });
  if (!result.success) {
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
  const incomplete = wholeFileProblem(text, entryCount(result.data), display);
  return incomplete ? { value: empty, problems: [incomplete] } : { value: result.data, problems: [] };
}

function readYamlFile<T>(file: string, schema: z.ZodType<T>, empty: T, display: string): { value: T; problems: Problem[] } {
  if (!existsSync(file)) return { value: empty, problems: [] };
  const read = readTextFile(file, { path: display, maxBytes: SUPPLY_CHAIN_MAX_BYTES, limitReason: LIMIT_REASON });
  if ("problem" in read) return { value: empty, problems: [read.problem] };
  return parseSupplyChainText(read.text, schema, empty, display);
}

export function readChannels(file: string, display: string): { value: Channels; problems: Problem[] } {
  return readYamlFile(file, ChannelsSchema, {}, display);
}

export function readRevocations(file: string, display: string): { value: Revocation[]; problems: Problem[] } {
  return readYamlFile(file, RevocationsSchema, [], display);
}

const CHANNELS_HEADER = "# AMI channels, written by `golden-ami promote` and changed by reviewed pull requests (docs/supply-chain.md).\n";
const REVOCATIONS_HEADER = "# Revoked AMIs, written by `golden-ami revoke`: latest lookups skip them, pins and channels on them fail the plan.\n";

/** The text `golden-ami promote` writes for these channels (header, entries, end marker). */
export function renderChannels(channels: Channels): string {
  return CHANNELS_HEADER + stringify(channels, { sortMapEntries: true }) + endMarker(entryCount(channels));
}

/** The text `golden-ami revoke` writes for these revocations (header, entries, end marker). */
export function renderRevocations(revocations: ReadonlyArray<Revocation>): string {
  return REVOCATIONS_HEADER + stringify(revocations) + endMarker(revocations.length);
}

export function writeChannels(file: string, channels: Channels): void {
  writeValidated(file, renderChannels(channels), (text) => parseSupplyChainText(text, ChannelsSchema, {}, file).problems);
}

export function writeRevocations(file: string, revocations: ReadonlyArray<Revocation>): void {
  writeValidated(file, renderRevocations(revocations), (text) => parseSupplyChainText(text, RevocationsSchema, [], file).problems);
}

/** Thrown when new content would not read back: nothing was written, the file is as it was. */
export class WriteWouldNotReadBack extends GoldenAmiError {}

/**
 * Reads the complete new text back with the reader the next command uses (size cap included), then
 * replaces `file` whole (writeProjectFile). Throws, writing nothing, if it would not read back.
 */
function writeValidated(file: string, text: string, readBack: (text: string) => Problem[]): void {
  const bytes = Buffer.byteLength(text, "utf8");
  const problems: Problem[] =
    bytes > SUPPLY_CHAIN_MAX_BYTES
      ? [{ path: file, message: `would have ${bytes} bytes; expected at most ${SUPPLY_CHAIN_MAX_BYTES} (${LIMIT_REASON})` }]
      : readBack(text);
  if (problems.length > 0) {
    const [first] = problems;
    const where = first.path.startsWith(file) ? first.path.slice(file.length).replace(/^:? ?/, "") : first.path;
    throw new WriteWouldNotReadBack(
      `refusing to write ${file}: ${where ? `${where}: ` : ""}${first.message}; the next command could not read it back. Nothing was written`,
    );
  }
  writeProjectFile(file, text);
}
