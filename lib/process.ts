import { spawn, SpawnOptions } from "node:child_process";
import { appendFileSync } from "node:fs";
import { basename } from "node:path";

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions extends SpawnOptions {
  /** Called with each chunk of output as it arrives (progress for people watching). */
  readonly onOutput?: (chunk: string) => void;
}

/**
 * Where the test-suite benchmark (tools/bench/suite.ts) collects how long each command took: with
 * GOLDEN_AMI_TIMINGS set to a file, every command run appends one JSON line (the label names the
 * test file). Children inherit the variable, so the commands `golden-ami` runs are counted too.
 */
export function recordTiming(
  command: string,
  args: ReadonlyArray<string>,
  began: number,
  code: number,
  env: NodeJS.ProcessEnv | undefined,
  cwd?: string,
): void {
  const file = (env ?? process.env).GOLDEN_AMI_TIMINGS;
  if (!file) return;
  const line = {
    label: (env ?? process.env).GOLDEN_AMI_TIMINGS_LABEL ?? "",
    command,
    args: args.slice(0, 3),
    dir: cwd ? basename(cwd) : undefined,
    ms: Date.now() - began,
    code,
  };
  appendFileSync(file, JSON.stringify(line) + "\n");
}

/** Runs a command to completion and collects its output; never throws on a non-zero exit. */
export function run(command: string, args: ReadonlyArray<string>, options: RunOptions = {}): Promise<RunResult> {
  const began = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => ((stdout += chunk), options.onOutput?.(chunk.toString())));
    child.stderr?.on("data", (chunk: Buffer) => ((stderr += chunk), options.onOutput?.(chunk.toString())));
    child.on("error", reject);
    child.on("close", (code) => {
      recordTiming(command, args, began, code ?? 1, options.env, typeof options.cwd === "string" ? options.cwd : undefined);
      resolvePromise({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** Like run(), but a non-zero exit is an error that carries the command's output. */
export async function runOrThrow(command: string, args: ReadonlyArray<string>, options: RunOptions = {}): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}
