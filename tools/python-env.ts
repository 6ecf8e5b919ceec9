// Project-local Python virtual environments (git-ignored), each from a pinned requirements file, made once.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runOrThrow } from "../lib/process";
import { PROJECT_ROOT } from "../lib/synth";

/** Creates `venvName` in the project and installs `requirements` unless exactly those are installed; returns its python. */
export async function ensurePythonEnv(venvName: string, requirements: string, log: (line: string) => void = () => undefined): Promise<string> {
  const venv = join(PROJECT_ROOT, venvName);
  const python = join(venv, "bin", "python");
  const marker = join(venv, ".requirements.sha256");
  const wanted = createHash("sha256").update(readFileSync(requirements)).digest("hex");
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, "utf8") === wanted) return python;
  log(`Installing ${requirements.replace(PROJECT_ROOT + "/", "")} into ${venvName} (once) ...`);
  await runOrThrow(process.env.PYTHON ?? "python3", ["-m", "venv", venv]);
  await runOrThrow(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements]);
  writeFileSync(marker, wanted);
  return python;
}
