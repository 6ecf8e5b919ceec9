import { spawn, SpawnOptions } from "node:child_process";

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions extends SpawnOptions {
  /** Called with each chunk of output as it arrives (progress for people watching). */
  readonly onOutput?: (chunk: string) => void;
}

/** Runs a command to completion and collects its output; never throws on a non-zero exit. */
export function run(command: string, args: ReadonlyArray<string>, options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => ((stdout += chunk), options.onOutput?.(chunk.toString())));
    child.stderr?.on("data", (chunk: Buffer) => ((stderr += chunk), options.onOutput?.(chunk.toString())));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

/** Like run(), but a non-zero exit is an error that carries the command's output. */
export async function runOrThrow(command: string, args: ReadonlyArray<string>, options: RunOptions = {}): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}
