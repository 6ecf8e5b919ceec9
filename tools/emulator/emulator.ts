import { EC2Client } from "@aws-sdk/client-ec2";
import { ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ensureEmulatorInstalled } from "./install";

/** One request as moto's recorder writes it. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  readonly body_encoded: boolean;
}

export interface EmulatorOptions {
  /** The account moto answers as. Use the shared account, so the workload's owner filter sees its AMIs. */
  readonly accountId: string;
  readonly region: string;
  /** Called with progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

/**
 * A local moto server standing in for AWS. Processes started with `env()` reach it through
 * AWS_ENDPOINT_URL and dummy credentials; nothing in the stacks knows about it.
 */
export class Emulator {
  private constructor(
    readonly endpoint: string,
    readonly options: EmulatorOptions,
    readonly logFile: string,
    private readonly child: ChildProcess,
    private readonly onExit: () => void,
  ) {}

  static async start(options: EmulatorOptions): Promise<Emulator> {
    const python = await ensureEmulatorInstalled(options.log);
    const port = await freePort();
    const logFile = join(mkdtempSync(join(tmpdir(), "moto-")), "moto.log");
    const fd = openSync(logFile, "a");
    const child = spawn(python, [join(__dirname, "moto_server.py"), "-H", "127.0.0.1", "-p", String(port)], {
      // The request recorder is off until record() turns it on; it writes beside the log.
      env: { ...process.env, MOTO_ACCOUNT_ID: options.accountId, MOTO_RECORDER_FILEPATH: join(dirname(logFile), "recording.jsonl") },
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    // However this process ends, the emulator ends with it.
    const onExit = () => child.kill("SIGKILL");
    process.once("exit", onExit);
    const emulator = new Emulator(`http://127.0.0.1:${port}`, options, logFile, child, onExit);
    try {
      await emulator.waitUntilReady();
    } catch (error) {
      await emulator.stop();
      throw new Error(`${error instanceof Error ? error.message : error}\n--- emulator log (${logFile}) ---\n${readFileSync(logFile, "utf8")}`);
    }
    options.log?.(`AWS emulator (moto) listening on ${emulator.endpoint} as account ${options.accountId}`);
    return emulator;
  }

  /** The environment for SDK clients, Terraform and the cdktf CLI to talk to the emulator. */
  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return {
      ...base,
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: this.options.region,
      AWS_DEFAULT_REGION: this.options.region,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_PROFILE: "",
      // The harness plans with local state on purpose, CI or not (see stacks/state-policy.ts).
      AMI_PIPELINE_ALLOW_LOCAL_STATE: "1",
    };
  }

  /** Settings for AWS SDK for JavaScript v3 clients. */
  private readonly ec2Clients = new Map<string, EC2Client>();

  /** An EC2 client of the emulator in `region` (one per region): what publishAmi takes. */
  readonly ec2 = (region: string): EC2Client => {
    if (!this.ec2Clients.has(region)) this.ec2Clients.set(region, new EC2Client(this.clientConfig(region)));
    return this.ec2Clients.get(region)!;
  };

  /** SDK client settings for the emulator, in its region or `region`. */
  clientConfig(region?: string) {
    return {
      endpoint: this.endpoint,
      region: region ?? this.options.region,
      forcePathStyle: true,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    };
  }

  /**
   * Every request the emulator receives while `body` runs, as moto's recorder saw it (method, URL,
   * headers, body): what the real provider and CLI call, for the access contract.
   */
  async record<T>(body: () => Promise<T>): Promise<{ result: T; requests: RecordedRequest[] }> {
    const recorder = (what: string) => fetch(`${this.endpoint}/moto-api/recorder/${what}`, { method: "POST" });
    await recorder("reset-recording");
    await recorder("start-recording");
    try {
      const result = await body();
      const text = await (await fetch(`${this.endpoint}/moto-api/recorder/download-recording`)).text();
      return {
        result,
        requests: text
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as RecordedRequest),
      };
    } finally {
      await recorder("stop-recording");
    }
  }

  /** Removes the log; call when everything went well (on failure, the log is what explains it). */
  discardLog(): void {
    rmSync(dirname(this.logFile), { recursive: true, force: true });
  }

  /** Adds where the emulator's log is kept to an error. */
  annotate(error: unknown): unknown {
    if (error instanceof Error) error.message += `\n(emulator log kept at ${this.logFile})`;
    return error;
  }

  async stop(): Promise<void> {
    process.removeListener("exit", this.onExit);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    const timeout = setTimeout(() => this.child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timeout);
  }

  private async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`the emulator exited with code ${this.child.exitCode} before answering`);
      try {
        if ((await fetch(`${this.endpoint}/moto-api/`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the emulator did not answer on ${this.endpoint} within ${timeoutMs / 1000} s`);
  }
}

/**
 * Runs `body` with a started emulator and always stops it: on success, failure or interruption
 * (SIGINT/SIGTERM). On failure the emulator's log is kept and its path added to the error.
 */
export async function withEmulator<T>(options: EmulatorOptions, body: (emulator: Emulator) => Promise<T>): Promise<T> {
  const emulator = await Emulator.start(options);
  const interrupted = (signal: NodeJS.Signals) => {
    void emulator.stop().then(() => process.kill(process.pid, signal));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    const result = await body(emulator);
    emulator.discardLog();
    return result;
  } catch (error) {
    throw emulator.annotate(error);
  } finally {
    process.removeListener("SIGINT", interrupted);
    process.removeListener("SIGTERM", interrupted);
    await emulator.stop();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}
