import { spawn } from "node:child_process";
import { recordTiming, RunResult } from "../../lib/process";

/** A `terraform apply` stopped at its approval prompt: it holds the state lock until approved. */
export interface HeldApply {
  /** Answers "yes" at the prompt; resolves when the apply has ended. */
  approve(): Promise<RunResult>;
}

/**
 * Starts `terraform apply` in a synthesized and initialized stack directory and resolves once it asks
 * for approval. Terraform takes the state lock before it plans and keeps it while it waits, as a
 * colleague's apply waiting at its prompt does, so another apply of the stack meanwhile must fail on
 * the lock: a race decided by the test, not by how fast the emulator happens to be.
 */
export function startHeldApply(stackDir: string, env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<HeldApply> {
  const began = Date.now();
  // -input=true: TF_INPUT or TF_IN_AUTOMATION in the environment must not turn the prompt into an error.
  const args = ["apply", "-input=true", "-no-color"];
  const child = spawn("terraform", args, { cwd: stackDir, env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const ended = new Promise<RunResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      recordTiming("terraform", args, began, code ?? 1, env, stackDir);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`terraform apply did not ask for approval within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    const held: HeldApply = {
      approve: () => {
        child.stdin.end("yes\n");
        return ended;
      },
    };
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      if (stdout.includes("Enter a value:")) {
        clearTimeout(timer);
        resolve(held);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    void ended.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`terraform apply ended (exit ${code}) before asking for approval\n${stdout}\n${stderr}`));
    });
  });
}
