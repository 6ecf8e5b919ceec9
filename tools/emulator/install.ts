// Installs the pinned emulator into the project's git-ignored virtual environment, once.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runOrThrow } from "../process";
import { PROJECT_ROOT } from "../synth";

export const VENV_DIR = join(PROJECT_ROOT, ".venv");
export const VENV_PYTHON = join(VENV_DIR, "bin", "python");
const REQUIREMENTS = join(__dirname, "requirements.txt");
const MARKER = join(VENV_DIR, ".requirements.sha256");

/** Creates .venv and installs requirements.txt unless the same requirements are already installed. */
export async function ensureEmulatorInstalled(log: (line: string) => void = () => undefined): Promise<string> {
  const wanted = createHash("sha256").update(readFileSync(REQUIREMENTS)).digest("hex");
  if (existsSync(VENV_PYTHON) && existsSync(MARKER) && readFileSync(MARKER, "utf8") === wanted) return VENV_PYTHON;
  log("Installing the AWS emulator (moto server, pinned in tools/emulator/requirements.txt) into .venv ...");
  const python = process.env.PYTHON ?? "python3";
  await runOrThrow(python, ["-m", "venv", VENV_DIR]);
  await runOrThrow(VENV_PYTHON, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS]);
  writeFileSync(MARKER, wanted);
  log("Emulator installed.");
  return VENV_PYTHON;
}

if (require.main === module) {
  ensureEmulatorInstalled(console.log).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
