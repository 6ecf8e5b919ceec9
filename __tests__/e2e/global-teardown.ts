// Jest globalTeardown of the end-to-end suite: the workers' emulators stop (their logs stay for a
// failed run); the run's scenario cache goes.
import { rmSync } from "node:fs";
import { SCENARIO_CACHE_VARIABLE } from "./emulators";

export default async function globalTeardown(): Promise<void> {
  await Promise.all((globalThis.goldenAmiEmulators ?? []).map((emulator) => emulator.stop()));
  const cache = process.env[SCENARIO_CACHE_VARIABLE];
  if (cache) rmSync(cache, { recursive: true, force: true });
}
