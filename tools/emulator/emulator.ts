import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
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

/** The emulated organization, as the emulator describes it (tools/emulator/organization.json). */
export interface EmulatedOrganization {
  readonly organization: { readonly id: string; readonly arn: string; readonly management_account_id: string };
  readonly organizational_units: ReadonlyArray<{ readonly path: string; readonly id: string; readonly arn: string }>;
  readonly accounts: ReadonlyArray<EmulatedAccount & { readonly organizational_unit: string }>;
  readonly outsiders: ReadonlyArray<EmulatedAccount>;
  /** The one base identity: an administrator of the management account. */
  readonly administrator: { readonly arn: string; readonly access_key_id: string; readonly secret_access_key: string };
  /** The CI's roles (stand-ins for the OIDC roles of docs/ci-roles.md), by purpose. */
  readonly ci_roles: { readonly plan: string; readonly deploy: string };
}

export interface EmulatedAccount {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  /** The role an administrator of the management account assumes to act in the account. */
  readonly access_role_arn: string;
}

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface EmulatorOptions {
  /** The region SDK clients and Terraform default to. */
  readonly region: string;
  /** @default - a free port */
  readonly port?: number;
  /** Where moto's log goes. @default - a new temporary directory */
  readonly logDir?: string;
  /** Called with progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

/**
 * A local AWS Organization standing in for AWS: moto's server with the corrections and accounts of
 * tools/emulator/emulation, and the IAM policy engine it asks for decisions. Every request must be
 * signed by credentials an account issued (start from `administrator`, reach accounts through
 * `assume`); processes started with `env()` reach it through AWS_ENDPOINT_URL. Nothing in the stacks
 * knows about it.
 */
export class Emulator {
  private constructor(
    readonly endpoint: string,
    readonly region: string,
    readonly organization: EmulatedOrganization,
    readonly logFile: string,
    private readonly processes: ReadonlyArray<ChildProcess>,
    private readonly onExit: () => void,
  ) {}

  static async start(options: EmulatorOptions): Promise<Emulator> {
    const python = await ensureEmulatorInstalled(options.log);
    const port = options.port ?? (await freePort());
    if (options.port !== undefined && !(await portIsFree(port))) throw new EmulatorPortInUse(port);
    const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), "moto-"));
    const logFile = join(logDir, `moto-${port}.log`);
    const engine = await startPolicyEngine();
    const fd = openSync(logFile, "a");
    const moto = spawn(python, [join(__dirname, "server.py"), "-H", "127.0.0.1", "-p", String(port)], {
      // The request recorder is off until record() turns it on; it writes beside the log.
      env: { ...process.env, GOLDEN_AMI_POLICY_ENGINE: engine.url, MOTO_RECORDER_FILEPATH: join(logDir, `recording-${port}.jsonl`) },
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    const processes = [engine.child, moto];
    // However this process ends, the emulator ends with it.
    const onExit = () => processes.forEach((child) => child.kill("SIGKILL"));
    process.once("exit", onExit);
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(endpoint, moto);
      const emulator = new Emulator(endpoint, options.region, await describeOrganization(endpoint), logFile, processes, onExit);
      const { accounts, outsiders } = emulator.organization;
      options.log?.(`AWS emulator (moto: an organization of ${accounts.length + 1} accounts, ${outsiders.length} outside it) listening on ${endpoint}`);
      return emulator;
    } catch (error) {
      onExit();
      process.removeListener("exit", onExit);
      throw new Error(`${error instanceof Error ? error.message : error}\n--- emulator log (${logFile}) ---\n${readFileSync(logFile, "utf8")}`);
    }
  }

  /** An emulator another process started (one per jest worker: __tests__/e2e/global-setup.ts). Stopping it is that process's job. */
  static async connect(endpoint: string, region: string, logFile: string): Promise<Emulator> {
    return new Emulator(endpoint, region, await describeOrganization(endpoint), logFile, [], () => undefined);
  }

  /** The administrator of the management account: the base identity everything else is reached from. */
  get administrator(): AwsCredentials {
    const { access_key_id, secret_access_key } = this.organization.administrator;
    return { accessKeyId: access_key_id, secretAccessKey: secret_access_key };
  }

  /** Every account of the emulator, members and outsiders. */
  get accounts(): ReadonlyArray<EmulatedAccount> {
    return [...this.organization.accounts, ...this.organization.outsiders];
  }

  /** Credentials of `roleArn`, assumed with `from` (the administrator by default), as CI would. */
  async assume(roleArn: string, sessionName = "golden-ami-harness", from: AwsCredentials = this.administrator): Promise<AwsCredentials> {
    const sts = new STSClient(this.clientConfig({ credentials: from }));
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
    return { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken };
  }

  /** An administrator of `accountId` (its OrganizationAccountAccessRole). */
  adminOf(accountId: string): Promise<AwsCredentials> {
    if (accountId === this.organization.organization.management_account_id) return Promise.resolve(this.administrator);
    const account = this.accounts.find((a) => a.id === accountId);
    if (!account)
      throw new Error(`account ${accountId} is not in the emulated organization; it has ${this.accounts.map((a) => `${a.id} (${a.name})`).join(", ")}`);
    return this.assume(account.access_role_arn, `administrator-${accountId}`);
  }

  /** The environment for Terraform, the cdktf CLI and golden-ami to call the emulator with `credentials`. */
  env(credentials: AwsCredentials, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...base,
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_PROFILE: "",
      // The harness plans with local state on purpose, CI or not (see stacks/state-policy.ts).
      AMI_PIPELINE_ALLOW_LOCAL_STATE: "1",
    };
    if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
    else delete env.AWS_SESSION_TOKEN;
    return env;
  }

  /** SDK client settings for the emulator: its region (or `region`), the administrator (or `credentials`). */
  clientConfig(options: { region?: string; credentials?: AwsCredentials } = {}) {
    return {
      endpoint: this.endpoint,
      region: options.region ?? this.region,
      forcePathStyle: true,
      credentials: options.credentials ?? this.administrator,
    };
  }

  /** Back to a new organization: every account's resources gone, the organization and its roles built again. */
  async reset(): Promise<void> {
    const response = await fetch(`${this.endpoint}/moto-api/reset`, { method: "POST" });
    if (!response.ok) throw new Error(`the emulator's reset answered ${response.status}: ${await response.text()}`);
    this.worlds++;
  }

  private worlds = 0;
  /**
   * Which emulated world this is: a reset or restore replaces every resource, so what callers cached
   * about the previous one (a scenario's VPC, say) must not be used in the next.
   */
  get generation(): number {
    return this.worlds;
  }

  /** Saves the whole emulated world to `path` (emulation/snapshots.py); any emulator of this code can restore it. */
  async snapshot(path: string): Promise<void> {
    await this.snapshotCall("snapshot", path);
  }

  /** Replaces the whole emulated world with the one saved at `path`. Credentials issued before are gone with it. */
  async restore(path: string): Promise<void> {
    await this.snapshotCall("restore", path);
    this.worlds++;
  }

  private async snapshotCall(what: "snapshot" | "restore", path: string): Promise<void> {
    const response = await fetch(`${this.endpoint}/moto-api/golden-ami/${what}`, { method: "POST", body: JSON.stringify({ path }) });
    if (!response.ok) throw new Error(`the emulator's ${what} of ${path} answered ${response.status}: ${await response.text()}`);
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
    if (error instanceof Error && !error.message.includes(this.logFile)) error.message += `\n(emulator log kept at ${this.logFile})`;
    return error;
  }

  async stop(): Promise<void> {
    process.removeListener("exit", this.onExit);
    await Promise.all(this.processes.map(stopProcess));
  }
}

/** The one line a taken --port gets. */
export class EmulatorPortInUse extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is already in use on 127.0.0.1: stop what listens there or choose another --port`);
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

/** The policy engine the emulator asks (policy-engine-server.ts), on a free port of its own choosing. */
async function startPolicyEngine(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "policy-engine-server.ts")], { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    let seen = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk;
      const match = /listening (\d+)/.exec(seen);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the emulator's policy engine exited with code ${code} before listening`)));
  });
  return { child, url: `http://127.0.0.1:${port}/` };
}

async function describeOrganization(endpoint: string): Promise<EmulatedOrganization> {
  const response = await fetch(`${endpoint}/moto-api/golden-ami/organization`);
  if (!response.ok) throw new Error(`the emulator did not describe its organization (${response.status})`);
  return (await response.json()) as EmulatedOrganization;
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the emulator exited with code ${child.exitCode} before answering`);
    try {
      if ((await fetch(`${endpoint}/moto-api/golden-ami/organization`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the emulator did not answer on ${endpoint} within ${timeoutMs / 1000} s`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timeout = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timeout);
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

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
