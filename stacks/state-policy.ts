import type { LoadedConfig } from "../config/load";
import { displayPath } from "../config/load";
import { ConfigError } from "../config/problems";

/**
 * Local state in CI plans against nothing (a fresh runner has no state file) and would recreate
 * everything: synth refuses it, naming the setting. The test harness, which plans against an
 * emulator it started itself, opts out with AMI_PIPELINE_ALLOW_LOCAL_STATE=1.
 */
export function localStateInCi(loaded: LoadedConfig, ciVariables: ReadonlyArray<string>, allowLocalState: boolean): void {
  if (loaded.config.state || ciVariables.length === 0 || allowLocalState) return;
  throw new ConfigError(displayPath(loaded.configPath), [
    {
      path: "state",
      message: `got nothing (local state), but this runs in CI (${ciVariables.join(", ")} set): a runner has no state file, so plans would show everything as new; expected state: { bucket, region } (docs/ci.md, "State in CI")`,
    },
  ]);
}
