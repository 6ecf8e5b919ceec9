// `golden-ami <args>` run in the test's own process: the program's entry function (cli/golden-ami.ts,
// runProgram) with stdout and stderr captured and the environment given for the call, so a CLI test
// costs no Node start-up and no TypeScript load. One test (cli.test.ts) still spawns the real bin.
import { format } from "node:util";
import { goldenAmiProgram } from "../../cli/golden-ami";
import { runProgram } from "../../cli/program";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Serializes calls: the process's streams and environment are one per process. */
let queue: Promise<unknown> = Promise.resolve();

export function goldenAmiInProcess(args: ReadonlyArray<string>, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  const call = queue.then(() => runCaptured(args, options));
  queue = call.catch(() => undefined);
  return call;
}

async function runCaptured(args: ReadonlyArray<string>, options: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const write = (append: (text: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  const saved = {
    out: process.stdout.write,
    err: process.stderr.write,
    console: { log: console.log, info: console.info, warn: console.warn, error: console.error },
    env: process.env,
    cwd: process.cwd(),
    exitCode: process.exitCode,
  };
  process.stdout.write = write((t) => (stdout += t));
  process.stderr.write = write((t) => (stderr += t));
  // Jest's console does not write to process.stdout: the program's console output is taken here.
  console.log = console.info = (...parts: unknown[]) => void (stdout += format(...parts) + "\n");
  console.warn = console.error = (...parts: unknown[]) => void (stderr += format(...parts) + "\n");
  if (options.env) process.env = { ...options.env };
  if (options.cwd) process.chdir(options.cwd);
  try {
    const code = await runProgram(goldenAmiProgram(), args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    Object.assign(console, saved.console);
    process.env = saved.env;
    if (options.cwd) process.chdir(saved.cwd);
    process.exitCode = saved.exitCode;
  }
}
