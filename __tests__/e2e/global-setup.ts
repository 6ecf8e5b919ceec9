// Jest globalSetup of the end-to-end suite: one emulator per worker, started once (emulators.ts).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordTiming } from "../../lib/process";
import { Emulator } from "../../tools/emulator/emulator";
import { EMULATORS_VARIABLE, REGION, SCENARIO_CACHE_VARIABLE } from "./emulators";

declare global {
  var goldenAmiEmulators: Emulator[] | undefined;
}

export default async function globalSetup(config: { maxWorkers: number }): Promise<void> {
  const logDir = mkdtempSync(join(tmpdir(), "golden-ami-e2e-emulators-"));
  const began = Date.now();
  const emulators = await Promise.all(Array.from({ length: Math.max(1, config.maxWorkers) }, () => Emulator.start({ region: REGION, logDir })));
  recordTiming("emulator", ["start"], began, 0, { ...process.env, GOLDEN_AMI_TIMINGS_LABEL: "(global setup)" });
  globalThis.goldenAmiEmulators = emulators;
  process.env[SCENARIO_CACHE_VARIABLE] = join(logDir, "scenarios");
  process.env[EMULATORS_VARIABLE] = JSON.stringify(emulators.map((e) => ({ endpoint: e.endpoint, logFile: e.logFile })));
}
