import { EC2Client } from "@aws-sdk/client-ec2";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Document } from "yaml";

import { changedAttributes as attributeChanges } from "../../lib/plan-report/summarize";
import { runOrThrow } from "../../lib/process";
import { plainOutput } from "../../tools/cdktf-cli";
import { Emulator } from "../../tools/emulator/emulator";
import { launchTemplateVersions } from "../../tools/emulator/inspect";
import { prepareScenario, PreparedScenario } from "../../tools/emulator/prepare";
import { PlaceholderNetworks, ScenarioCache } from "../../tools/emulator/scenario-cache";
import { ScenarioOrganization, writeScenarioConfig } from "../../tools/emulator/scenario";
import { REGION, workerEmulator } from "./emulators";
import { STACK_FILES } from "../../conventions/names";

export { REGION };

/** The example's shared account (it builds and shares the AMIs) and its workload account, both emulated. */
export const SHARED_ACCOUNT = "111122223333";
export const WORKLOAD_ACCOUNT = "444455556666";

/** An emulated organization with the example applied as a user would: what every end-to-end file starts from. */
export interface Scenario extends PreparedScenario {
  /** EC2 in the example's workload account (its launch templates), as that account's administrator. */
  readonly ec2: EC2Client;
  readonly dir: string;
}

export interface ScenarioOptions {
  /** Start of the temporary directory's name. */
  readonly prefix: string;
  /** Keep the workloads' instance refresh on (the emulator has none: plans only). @default false */
  readonly instanceRefresh?: boolean;
  /** "synthesized": the scenario applies the shared stack itself. @default "applied" */
  readonly sharedStack?: "applied" | "synthesized";
  /** A change to the default configuration's YAML document, with the emulated organization at hand. @default - none */
  readonly edit?: (document: Document, organization: ScenarioOrganization) => void;
  /** Runs after the configuration is written and before synth (e.g. recording a recipe version). */
  readonly beforeSynth?: (configPath: string) => Promise<void>;
}

/** Resets this worker's emulator to a new organization, writes the scenario configuration and prepares it (tools/emulator/prepare.ts). */
export async function startScenario(options: ScenarioOptions): Promise<Scenario> {
  const emulator = await workerEmulator();
  try {
    const dir = mkdtempSync(join(tmpdir(), `${options.prefix}-`));
    // Placeholder networks until the run's cache has decided whether this scenario was prepared before.
    const placeholders = new PlaceholderNetworks();
    const configPath = await writeScenarioConfig(emulator, {
      dir,
      instanceRefresh: options.instanceRefresh ?? false,
      editInOrganization: options.edit,
      placement: placeholders.place,
    });
    await options.beforeSynth?.(configPath);
    const prepared = await prepareScenario(emulator, dir, configPath, {
      cache: ScenarioCache.fromEnvironment(),
      placeholders,
      sharedStack: options.sharedStack,
    });
    const ec2 = new EC2Client(emulator.clientConfig({ credentials: await emulator.adminOf(WORKLOAD_ACCOUNT) }));
    return { ...prepared, ec2, dir };
  } catch (error) {
    throw emulator.annotate(error);
  }
}

export interface PlanJson {
  resource_changes?: {
    address: string;
    type: string;
    change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null; after_unknown?: Record<string, unknown> };
  }[];
  output_changes?: Record<string, { actions: string[]; before: unknown; after: unknown }>;
}

/**
 * The plan saved in the stack directory, as Terraform itself reports it (`terraform show -json plan`):
 * the plan.json `golden-ami plan` wrote from that very command when it is newer than the plan, else
 * the command run now (after `cdktf plan`, which writes no JSON).
 */
export async function savedPlan(outdir: string, stack: string, env: NodeJS.ProcessEnv): Promise<PlanJson> {
  const cwd = join(outdir, "stacks", stack);
  const shown = join(cwd, STACK_FILES.planJson);
  if (existsSync(shown) && statSync(shown).mtimeMs >= statSync(join(cwd, "plan")).mtimeMs) return JSON.parse(readFileSync(shown, "utf8")) as PlanJson;
  const { stdout } = await runOrThrow("terraform", ["show", "-json", "plan"], { cwd, env });
  return JSON.parse(stdout) as PlanJson;
}

export type ResourceChange = NonNullable<PlanJson["resource_changes"]>[number];

/** Names of the top-level attributes that change, as the plan report shows them. */
export function changedAttributes(change: ResourceChange): string[] {
  return attributeChanges(change.change).map((a) => a.name);
}

/** Resource changes other than no-op and read. */
export function realChanges(plan: PlanJson) {
  return (plan.resource_changes ?? []).filter((c) => !c.change.actions.every((a) => a === "no-op" || a === "read"));
}

/** Latest and default version of a launch template, and the AMI of each version. */
export async function launchTemplateState(ec2: EC2Client, launchTemplateId: string) {
  const versions = await launchTemplateVersions(ec2, launchTemplateId);
  return {
    latest: Math.max(...versions.map((v) => v.version)),
    default: versions.find((v) => v.isDefault)?.version,
    imageOf: (version: number) => versions.find((v) => v.version === version)?.imageId,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts how a command ended; on a mismatch the message carries its output. */
export function expectExit(result: { code: number; stdout: string; stderr: string }, expected: "success" | "failure"): string {
  const output = plainOutput(result.stdout + result.stderr);
  const ok = expected === "success" ? result.code === 0 : result.code !== 0;
  if (!ok) throw new Error(`expected ${expected}, exit code ${result.code}\n--- output ---\n${output.slice(-6000)}`);
  return output;
}

/**
 * Scenario steps on one emulator: a failing step gets the emulator log's path in its error, and the
 * log is removed at the end only when every step passed.
 */
export function scenarioSteps(emulator: () => Emulator | undefined) {
  let failed = false;
  afterAll(() => {
    // The emulator is this worker's (emulators.ts): it is reset by the next file, stopped at the end of the run.
    if (failed) console.error(`a step failed; the emulator's log is ${emulator()?.logFile}`);
  });
  return (name: string, body: () => Promise<void>): void => {
    it(name, () =>
      body().catch((error: unknown) => {
        failed = true;
        throw emulator()?.annotate(error) ?? error;
      }),
    );
  };
}
