// Jest globalSetup of the end-to-end suite: one emulator per worker, started once (emulators.ts).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Emulator } from "../../tools/emulator/emulator";
import { EMULATORS_VARIABLE, REGION } from "./emulators";

declare global {
  var goldenAmiEmulators: Emulator[] | undefined;
}

export default async function globalSetup(config: { maxWorkers: number }): Promise<void> {
  const logDir = mkdtempSync(join(tmpdir(), "golden-ami-e2e-emulators-"));
  const emulators = await Promise.all(Array.from({ length: Math.max(1, config.maxWorkers) }, () => Emulator.start({ region: REGION, logDir })));
  globalThis.goldenAmiEmulators = emulators;
  process.env[EMULATORS_VARIABLE] = JSON.stringify(emulators.map((e) => ({ endpoint: e.endpoint, logFile: e.logFile })));
}
