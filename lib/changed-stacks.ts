// Which stacks a change touches: synthesize the base and the head the same way and compare each
// stack's synthesized files. What cannot be compared is treated as changed.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { stackDirectories } from "./plan-report/read-plans";
import { run } from "./process";
import { APP_COMMAND, PROJECT_ROOT } from "./synth";
import { OUTDIR_MANIFEST, STACK_FILES } from "../conventions/names";
import { AMI_PIPELINE_COMMIT, AMI_PIPELINE_CONFIG } from "../conventions/environment";

/** Files of a stack directory that Terraform's work leaves there, not synthesis. */
const NOT_SYNTHESIZED = new Set<string>(Object.values(STACK_FILES));

/** One digest of everything synthesized into a stack directory. */
function stackDigest(dir: string): string {
  const hash = createHash("sha256");
  const walk = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      if (path === dir && NOT_SYNTHESIZED.has(name)) continue;
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(relative(dir, full)).update("\0").update(readFileSync(full)).update("\0");
    }
  };
  walk(dir);
  return hash.digest("hex");
}

export interface ChangedStacks {
  /** Stacks whose synthesized configuration differs from the base's, or that the base lacks. */
  readonly changed: ReadonlySet<string>;
  /** Why nothing could be compared (every stack then counts as changed). */
  readonly uncomparable?: string;
}

/**
 * Synthesizes `ref` (in a temporary git worktree that borrows this checkout's node_modules) and the
 * working tree, both with the same commit and configuration, and compares them stack by stack.
 */
export async function changedStacksSince(
  ref: string,
  env: NodeJS.ProcessEnv,
  configPath: string | undefined,
): Promise<ChangedStacks & { readonly stacks: ReadonlyArray<string> }> {
  const work = mkdtempSync(join(tmpdir(), "golden-ami-base-"));
  // The commit is recorded on AMIs: the same value on both sides, so only real changes differ.
  const inRepo = configPath && isAbsolute(configPath) && !relative(PROJECT_ROOT, configPath).startsWith("..");
  const synthEnv = (root: string, outdir: string): NodeJS.ProcessEnv => ({
    ...env,
    [AMI_PIPELINE_COMMIT]: "compared",
    CDKTF_OUTDIR: outdir,
    ...(configPath ? { [AMI_PIPELINE_CONFIG]: inRepo ? join(root, relative(PROJECT_ROOT, configPath)) : configPath } : {}),
  });
  const headOut = join(work, "head");
  const head = await run("sh", ["-c", APP_COMMAND], { cwd: PROJECT_ROOT, env: synthEnv(PROJECT_ROOT, headOut) });
  if (head.code !== 0) throw new Error(`synth of the working tree failed:\n${head.stderr || head.stdout}`);
  const stacks = stackDirectories(headOut);
  const all = (uncomparable: string) => ({ changed: new Set(stacks.map((s) => s.stack)), uncomparable, stacks: stacks.map((s) => s.stack) });
  const base = join(work, "base");
  try {
    const added = await run("git", ["worktree", "add", "--detach", base, ref], { cwd: PROJECT_ROOT, env });
    if (added.code !== 0) return all(`git cannot check out ${ref}: ${(added.stderr || added.stdout).trim()}`);
    symlinkSync(join(PROJECT_ROOT, "node_modules"), join(base, "node_modules"));
    const baseOut = join(work, "base-out");
    const synth = await run("sh", ["-c", APP_COMMAND], { cwd: base, env: synthEnv(base, baseOut) });
    if (synth.code !== 0 || !existsSync(join(baseOut, OUTDIR_MANIFEST))) return all(`synth of ${ref} failed`);
    const before = new Map(stackDirectories(baseOut).map((s) => [s.stack, stackDigest(s.dir)]));
    return { changed: new Set(stacks.filter((s) => before.get(s.stack) !== stackDigest(s.dir)).map((s) => s.stack)), stacks: stacks.map((s) => s.stack) };
  } finally {
    await run("git", ["worktree", "remove", "--force", base], { cwd: PROJECT_ROOT, env });
    rmSync(work, { recursive: true, force: true });
  }
}

/** Shard `index` of `total` (1-based): every total-th stack, so shards stay even as stacks come and go. */
export function shardOf<T>(items: ReadonlyArray<T>, index: number, total: number): T[] {
  return items.filter((_, i) => i % total === index - 1);
}

/** `"2/3"` → { index: 2, total: 3 }; throws with the expected form otherwise. */
export function parseShard(value: string): { index: number; total: number } {
  const match = /^([1-9]\d*)\/([1-9]\d*)$/.exec(value);
  if (!match || Number(match[1]) > Number(match[2])) throw new Error(`expected I/N with 1 ≤ I ≤ N, such as 1/3, got "${value}"`);
  return { index: Number(match[1]), total: Number(match[2]) };
}
