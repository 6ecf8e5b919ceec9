// Installs the pinned emulator (moto server) into the project's git-ignored .venv, once.
import { join } from "node:path";
import { ensurePythonEnv } from "../python-env";

export function ensureEmulatorInstalled(log?: (line: string) => void): Promise<string> {
  return ensurePythonEnv(".venv", join(__dirname, "requirements.txt"), log);
}

if (require.main === module) {
  ensureEmulatorInstalled(console.log).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
