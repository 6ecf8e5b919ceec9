// Which workload runs which AMI, and how far behind the newest build of its image it is: from state
// outputs (S3 or local files) and one image listing per image and region. No Terraform.
import { Image, paginateDescribeImages } from "@aws-sdk/client-ec2";
import { GetObjectCommand, paginateListObjectsV2 } from "@aws-sdk/client-s3";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BOOTSTRAP_STACK_PREFIX, SHARED_STACK_NAME } from "../conventions/names";
import type { Config, WorkloadConfig } from "../config/schema";
import { amiNameFilter, amiNameRegex, parseAmiName } from "../conventions/ami-names";
import { allPages, AwsAccess, stackTarget, stateTarget } from "./aws-access";

export interface FleetRow {
  readonly workload: string;
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly image: string;
  readonly runningAmi?: string;
  readonly runningName?: string;
  readonly runningBuild?: number;
  readonly newestBuild?: number;
  readonly newestAmi?: string;
  /** Builds of the image newer than the running one (0: up to date). */
  readonly buildsBehind?: number;
  /** Days since the running AMI was created. */
  readonly ageDays?: number;
  /** Why a column is empty: no state yet, or the running AMI is not among the image's AMIs. */
  readonly note?: string;
  /** The reason, when the running AMI is revoked. */
  readonly revoked?: string;
  /** The workload's state could not be read: where, and why (the other columns are then empty). */
  readonly stateError?: string;
  /** A state no configuration entry names (a workload removed from the configuration, still running). */
  readonly unconfigured?: boolean;
}

export interface FleetOptions {
  /** Directory of local state files (terraform.<stack>.tfstate). @default - the working directory */
  readonly stateDir?: string;
  /** Where AWS clients come from. @default - the environment's credentials and the configured roles */
  readonly access?: AwsAccess;
}

/** State reads at once (S3). */
const STATE_READS_AT_ONCE = 32;

/** State outputs of every workload, then one DescribeImages per image and region. */
export async function fleetStatus(
  config: Config,
  options: FleetOptions = {},
  revocations: ReadonlyArray<{ ami_name: string; reason: string }> = [],
): Promise<FleetRow[]> {
  // Revocations name builds: every region's copy of one shares its name.
  const revoked = new Map(revocations.map((r) => [r.ami_name, r.reason]));
  const access = options.access ?? new AwsAccess("fleet");
  const readState = stateReader(config, { ...options, access });
  // One unreadable state is that workload's row, never the end of the listing.
  const outputs = await mapConcurrent(config.workloads, STATE_READS_AT_ONCE, async (w) => {
    try {
      return runningAmi(await readState(w.name));
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  });
  const listings = new Map<string, Promise<Image[]>>();
  const images = (workload: WorkloadConfig) => {
    const key = `${workload.image}@${workload.region}`;
    if (!listings.has(key)) listings.set(key, listImages(access, config, workload.image, workload.region));
    return listings.get(key)!;
  };
  const now = new Date();
  // A workload removed from the configuration keeps running what it ran; its state is the trace.
  const configured = new Set([SHARED_STACK_NAME, ...config.workloads.map((w) => w.name)]);
  const unconfigured = (await stateLister(config, { ...options, access })()).filter(
    (stack) => !configured.has(stack) && !stack.startsWith(BOOTSTRAP_STACK_PREFIX),
  );
  const retired = await mapConcurrent(unconfigured, STATE_READS_AT_ONCE, async (stack): Promise<FleetRow> => {
    const row = { workload: stack, environment: "-", account: "-", region: "-", image: "-", unconfigured: true };
    let empty = false;
    try {
      const state = await readState(stack);
      empty = state !== undefined && stateResourceCount(state) === 0;
    } catch (error) {
      return { ...row, stateError: error instanceof Error ? error.message : String(error) };
    }
    return empty
      ? { ...row, note: "empty state without configuration (destroyed): delete the state object" }
      : {
          ...row,
          note: "STATE WITHOUT CONFIGURATION: its resources still run; restore its entry with retired: true and apply the destroy plan it makes",
        };
  });
  const rows = await Promise.all(
    config.workloads.map(async (workload, i): Promise<FleetRow> => {
      const base = { workload: workload.name, environment: workload.environment, account: workload.account_id, region: workload.region, image: workload.image };
      const running = outputs[i];
      if (running && "error" in running) return { ...base, stateError: running.error };
      if (workload.retired) {
        return running
          ? {
              ...base,
              runningAmi: running.id,
              runningName: running.name,
              note: "RETIRED: still running; review and apply its destroy plan, then remove the entry",
            }
          : { ...base, note: "retired and destroyed: remove its entry from the configuration" };
      }
      const listed = await images(workload);
      const pattern = new RegExp(amiNameRegex(workload.image));
      // The newest build is the newest one not revoked: what a latest lookup would choose.
      const builds = listed
        .filter((image) => image.Name && pattern.test(image.Name) && !revoked.has(image.Name))
        .map((image) => ({ image, build: parseAmiName(image.Name)?.build ?? Number.NaN }))
        .sort((a, b) => b.build - a.build);
      const newest = builds[0];
      if (!running) return { ...base, newestBuild: newest?.build, newestAmi: newest?.image.ImageId, note: "no state (never applied)" };
      const listedRunning = listed.find((image) => image.ImageId === running.id);
      const match = builds.find((b) => b.image.ImageId === running.id);
      const runningName = running.name ?? listedRunning?.Name;
      const runningBuild = match?.build ?? parseAmiName(runningName)?.build;
      const created = listedRunning?.CreationDate ? new Date(listedRunning.CreationDate) : undefined;
      const revocation = runningName !== undefined ? revoked.get(runningName) : undefined;
      return {
        ...base,
        runningAmi: running.id,
        runningName,
        runningBuild: Number.isFinite(runningBuild) ? runningBuild : undefined,
        newestBuild: newest?.build,
        newestAmi: newest?.image.ImageId,
        buildsBehind: runningBuild === undefined || !Number.isFinite(runningBuild) ? undefined : builds.filter((b) => b.build > runningBuild).length,
        ageDays: created ? Math.floor((now.getTime() - created.getTime()) / 86_400_000) : undefined,
        ...(listedRunning ? {} : { note: "the running AMI is not among the image's available AMIs (deregistered, deprecated or disabled?)" }),
        ...(revocation !== undefined ? { revoked: revocation } : {}),
      };
    }),
  );
  return [...rows, ...retired];
}

/** A stack's state as read, and where it was read from (named in every problem with it). */
export interface StateText {
  readonly text: string;
  readonly location: string;
}

export type StateRead = (stack: string) => Promise<StateText | undefined>;

/** The state's outputs; throws naming the location when the state is empty, truncated or not a state. */
export function stateOutputs(state: StateText): Record<string, { value?: unknown }> {
  if (state.text.trim() === "")
    throw new Error(`${state.location}: the state is empty (0 bytes or blank): a truncated write? Restore it from the bucket's versions or a backup`);
  let json: unknown;
  try {
    json = JSON.parse(state.text);
  } catch (error) {
    throw new Error(`${state.location}: the state is not JSON, truncated or corrupt (${error instanceof Error ? error.message : String(error)})`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json) || typeof (json as { version?: unknown }).version !== "number") {
    throw new Error(
      `${state.location}: not a Terraform state (expected an object with a version, got ${json === null ? "null" : Array.isArray(json) ? "an array" : typeof json})`,
    );
  }
  const outputs = (json as { outputs?: unknown }).outputs ?? {};
  if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) throw new Error(`${state.location}: the state's outputs are not an object`);
  return outputs as Record<string, { value?: unknown }>;
}

/** How many resources (data sources included) a state holds. */
function stateResourceCount(state: StateText): number {
  stateOutputs(state); // the same checks: empty, not JSON, not a state
  const resources = (JSON.parse(state.text) as { resources?: unknown }).resources;
  return Array.isArray(resources) ? resources.length : 0;
}

/** The AMI a workload's state says it runs; undefined for no state or no AMI output. */
export function runningAmi(state: StateText | undefined): { id: string; name?: string } | undefined {
  if (!state) return undefined;
  const outputs = stateOutputs(state);
  const id = outputs.ami_id?.value ?? Object.entries(outputs).find(([k]) => k.endsWith("_ami_id"))?.[1].value;
  return typeof id === "string" ? { id, name: typeof outputs.ami_name?.value === "string" ? outputs.ami_name.value : undefined } : undefined;
}

/** Names of the stacks with a state: local terraform.<stack>.tfstate files, or S3 keys <prefix>/<stack>.tfstate. */
function stateLister(config: Config, options: FleetOptions): () => Promise<string[]> {
  if (!config.state) {
    const dir = options.stateDir ?? process.cwd();
    return async () => (existsSync(dir) ? readdirSync(dir).flatMap((file) => /^terraform\.(.+)\.tfstate$/.exec(file)?.[1] ?? []) : []);
  }
  const state = config.state;
  const s3 = (options.access ?? new AwsAccess("fleet")).s3(stateTarget(state));
  return async () => {
    const prefix = `${state.key_prefix}/`;
    const objects = await allPages(paginateListObjectsV2({ client: s3 }, { Bucket: state.bucket, Prefix: prefix }), (page) => page.Contents);
    const suffix = ".tfstate";
    return objects.flatMap(({ Key = "" }) => {
      const name = Key.startsWith(prefix) && Key.endsWith(suffix) ? Key.slice(prefix.length, -suffix.length) : "";
      return name !== "" && !name.includes("/") ? [name] : [];
    });
  };
}

export function stateReader(config: Config, options: FleetOptions): StateRead {
  if (!config.state) {
    const dir = options.stateDir ?? process.cwd();
    return async (stack) => {
      const file = join(dir, `terraform.${stack}.tfstate`);
      return existsSync(file) ? { text: readFileSync(file, "utf8"), location: file } : undefined;
    };
  }
  const state = config.state;
  const s3 = (options.access ?? new AwsAccess("fleet")).s3(stateTarget(state));
  return async (stack) => {
    try {
      const key = `${state.key_prefix}/${stack}.tfstate`;
      const object = await s3.send(new GetObjectCommand({ Bucket: state.bucket, Key: key }));
      return { text: (await object.Body?.transformToString()) ?? "", location: `s3://${state.bucket}/${key}` };
    } catch (error) {
      if ((error as { name?: string }).name === "NoSuchKey") return undefined;
      throw error;
    }
  };
}

/** The image's available AMIs in a region, read in the shared account with its plan role. */
async function listImages(access: AwsAccess, config: Config, image: string, region: string): Promise<Image[]> {
  const client = access.ec2(stackTarget(config, SHARED_STACK_NAME, "plan", region));
  const Filters = [
    { Name: "name", Values: [amiNameFilter(image)] },
    { Name: "state", Values: ["available"] },
  ];
  return allPages(paginateDescribeImages({ client }, { Owners: [config.shared.account_id], Filters, IncludeDeprecated: false }), (page) => page.Images);
}

async function mapConcurrent<T, R>(items: ReadonlyArray<T>, concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    }),
  );
  return results;
}
