// One emulator per jest worker, started once for the whole run (global-setup.ts) and reset by each
// file: files on different workers never share an emulator, files on one worker run one after another.
import { Emulator } from "../../tools/emulator/emulator";

/** What global setup hands the workers: one emulator per worker, in worker order. */
export const EMULATORS_VARIABLE = "GOLDEN_AMI_E2E_EMULATORS";

export const REGION = "ap-northeast-1";

/** Where global setup keeps the run's prepared scenarios (tools/emulator/scenario-cache.ts). */
export const SCENARIO_CACHE_VARIABLE = "GOLDEN_AMI_SCENARIO_CACHE";

export interface StartedEmulator {
  readonly endpoint: string;
  readonly logFile: string;
}

/** This worker's emulator, reset to a new organization. */
export async function workerEmulator(): Promise<Emulator> {
  const started = JSON.parse(process.env[EMULATORS_VARIABLE] ?? "[]") as StartedEmulator[];
  const index = Number(process.env.JEST_WORKER_ID ?? "1") - 1;
  const mine = started[index];
  if (!mine)
    throw new Error(
      `no emulator for jest worker ${index + 1} (${EMULATORS_VARIABLE} lists ${started.length}): run the end-to-end suite with jest.e2e.config.js`,
    );
  const emulator = await Emulator.connect(mine.endpoint, REGION, mine.logFile);
  await emulator.reset();
  return emulator;
}
