import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { run, RunOptions, RunResult } from "../lib/process";
import { PROJECT_ROOT } from "../lib/synth";

const CDKTF = join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");

/** Runs the project's own cdktf CLI from the project root (its cdktf.json names the app). */
export function cdktf(args: ReadonlyArray<string>, options: RunOptions = {}): Promise<RunResult> {
  return run(CDKTF, args, { cwd: PROJECT_ROOT, ...options });
}

/**
 * cdktf plan/deploy of one stack, non-interactive, into its own output directory. Provider locking
 * is skipped: it asks the registry for every platform's checksums, and these tools run offline
 * against a provider mirror.
 */
export function cdktfStackCommand(command: "plan" | "deploy" | "destroy", stack: string, outdir: string, options: RunOptions = {}): Promise<RunResult> {
  const extra = command === "plan" ? [] : ["--auto-approve"];
  return cdktf([command, stack, "--output", outdir, "--no-color", "--skip-provider-lock", ...extra], options);
}

/** The CLI's output as plain text: no terminal codes or spinner lines, Terraform's wrapped lines joined. */
export function plainOutput(output: string): string {
  return stripVTControlCharacters(output)
    .split("\n")
    .filter((line) => !/^\s*[\u2800-\u28ff]\s+\w+\s*$/.test(line))
    .join("\n")
    .replace(/\n[ \t]+/g, " ")
    .replace(/[ \t]+/g, " ");
}
