import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { run, RunResult } from "./process";
import { AMI_PIPELINE_CONFIG, AMI_PIPELINE_STATE_DIR } from "../conventions/environment";

export const PROJECT_ROOT = resolve(__dirname, "..");

export interface SynthOptions {
  readonly configPath?: string;
  readonly outdir: string;
  readonly stateDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The app command of cdktf.json: exactly what `cdktf synth` runs. */
export const APP_COMMAND = (JSON.parse(readFileSync(resolve(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string }).app;

/** Runs the app the way `cdktf synth` does (cdktf.json's command), without the CLI's start-up cost. */
export function synthesize(options: SynthOptions): Promise<RunResult> {
  return run("sh", ["-c", APP_COMMAND], {
    cwd: PROJECT_ROOT,
    env: {
      ...(options.env ?? process.env),
      CDKTF_OUTDIR: options.outdir,
      ...(options.configPath ? { [AMI_PIPELINE_CONFIG]: options.configPath } : {}),
      ...(options.stateDir ? { [AMI_PIPELINE_STATE_DIR]: options.stateDir } : {}),
    },
  });
}
