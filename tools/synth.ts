import { resolve } from "node:path";
import { run, RunResult } from "./process";

export const PROJECT_ROOT = resolve(__dirname, "..");

export interface SynthOptions {
  readonly configPath?: string;
  readonly outdir: string;
  readonly stateDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs the app (main.ts) the way `cdktf synth` does, without the CLI's start-up cost. */
export function synthesize(options: SynthOptions): Promise<RunResult> {
  return run(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: PROJECT_ROOT,
    env: {
      ...(options.env ?? process.env),
      CDKTF_OUTDIR: options.outdir,
      ...(options.configPath ? { AMI_PIPELINE_CONFIG: options.configPath } : {}),
      ...(options.stateDir ? { AMI_PIPELINE_STATE_DIR: options.stateDir } : {}),
    },
  });
}
