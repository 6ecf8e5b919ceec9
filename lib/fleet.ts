// Which workload runs which AMI, and how far behind the newest build of its image it is: from state
// outputs (S3 or local files) and one image listing per image and region. No Terraform.
import { Image, paginateDescribeImages } from "@aws-sdk/client-ec2";
import { BOOTSTRAP_STACK_PREFIX, SHARED_STACK_NAME } from "../conventions/names";
import type { Config, WorkloadConfig } from "../config/schema";
import { amiNameFilter, amiNameRegex, parseAmiName } from "../conventions/ami-names";
import { allPages, AwsAccess, stackTarget } from "./aws-access";
import { runningAmi, StateOptions, StateRead, stateLister, stateReader, stateResourceCount } from "./state";

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

export type FleetOptions = StateOptions;

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
  const retired = await mapConcurrent(unconfigured, STATE_READS_AT_ONCE, (stack) => unconfiguredRow(stack, readState));
  const rows = await Promise.all(
    config.workloads.map(async (workload, i) => {
      const running = outputs[i];
      const base = { workload: workload.name, environment: workload.environment, account: workload.account_id, region: workload.region, image: workload.image };
      if (running && "error" in running) return { ...base, stateError: running.error };
      if (workload.retired) return retiredRow(base, running);
      return workloadRow(base, running, await images(workload), revoked, now);
    }),
  );
  return [...rows, ...retired];
}

/** A state no configuration entry names: destroyed (empty), or a removed workload still running. */
async function unconfiguredRow(stack: string, readState: StateRead): Promise<FleetRow> {
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
}

type RowBase = Pick<FleetRow, "workload" | "environment" | "account" | "region" | "image">;
type Running = { readonly id: string; readonly name?: string } | undefined;

/** A workload marked retired: still running until its destroy plan is applied. */
function retiredRow(base: RowBase, running: Running): FleetRow {
  return running
    ? { ...base, runningAmi: running.id, runningName: running.name, note: "RETIRED: still running; review and apply its destroy plan, then remove the entry" }
    : { ...base, note: "retired and destroyed: remove its entry from the configuration" };
}

/** A configured workload: what it runs against the image's available, unrevoked builds in its region. */
function workloadRow(base: RowBase, running: Running, listed: ReadonlyArray<Image>, revoked: ReadonlyMap<string, string>, now: Date): FleetRow {
  const pattern = new RegExp(amiNameRegex(base.image));
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
