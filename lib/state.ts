// Reading Terraform state without Terraform: the local terraform.<stack>.tfstate files or the S3
// backend's objects, each checked to be a whole state (an empty or truncated one is an error naming
// where it was read, never "no resources"). Used by fleet, promote and the retired-workload listing.
import { GetObjectCommand, paginateListObjectsV2 } from "@aws-sdk/client-s3";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema";
import { allPages, AwsAccess, stateTarget } from "./aws-access";

export interface StateOptions {
  /** Directory of local state files (terraform.<stack>.tfstate). @default - the working directory */
  readonly stateDir?: string;
  /** Where AWS clients come from. @default - the environment's credentials and the configured roles */
  readonly access?: AwsAccess;
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
export function stateResourceCount(state: StateText): number {
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
export function stateLister(config: Config, options: StateOptions): () => Promise<string[]> {
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

/** Reads a stack's state: its local file, or its S3 object with the state role; undefined when there is none. */
export function stateReader(config: Config, options: StateOptions): StateRead {
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
