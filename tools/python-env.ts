// Project-local Python virtual environments (git-ignored), each from a pinned requirements file, made once.
// Several callers may want one environment at once (the end-to-end setup starts one emulator per worker,
// unit workers run checkov): the install is done under a lock, by the first, and the others wait for it.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { lock } from "proper-lockfile";
import { runOrThrow } from "../lib/process";
import { PROJECT_ROOT } from "../lib/synth";

/** How long a caller waits for another's install (checkov's takes about two minutes on 2 cores). */
const INSTALL_WAIT_MS = 10 * 60_000;
const RETRY_MS = 500;

/**
 * Creates `venvName` (relative to the project, or absolute) and installs `requirements` unless
 * exactly those are installed; returns its python. The marker (the requirements' SHA-256) is
 * written last, so an install that died half-way is redone, never taken for a finished one.
 */
export async function ensurePythonEnv(venvName: string, requirements: string, log: (line: string) => void = () => undefined): Promise<string> {
  const venv = resolve(PROJECT_ROOT, venvName);
  const python = resolve(venv, "bin", "python");
  const marker = resolve(venv, ".requirements.sha256");
  const wanted = createHash("sha256").update(readFileSync(requirements)).digest("hex");
  const installed = (): boolean => existsSync(python) && existsSync(marker) && readFileSync(marker, "utf8") === wanted;
  if (installed()) return python;
  const release = await lock(venv, {
    lockfilePath: `${venv}.install.lock`,
    realpath: false,
    stale: 30_000,
    retries: { retries: INSTALL_WAIT_MS / RETRY_MS, factor: 1, minTimeout: RETRY_MS, maxTimeout: RETRY_MS },
  });
  try {
    if (installed()) return python;
    log(`Installing ${requirements.replace(PROJECT_ROOT + "/", "")} into ${venvName} (once) ...`);
    // A half-made environment (an earlier install killed) is made again from nothing.
    rmSync(venv, { recursive: true, force: true });
    await runOrThrow(process.env.PYTHON ?? "python3", ["-m", "venv", venv]);
    await runOrThrow(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements]);
    writeFileSync(marker, wanted);
    return python;
  } finally {
    await release();
  }
}
