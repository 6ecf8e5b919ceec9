import { EC2Client } from "@aws-sdk/client-ec2";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { changedAttributes as attributeChanges } from "../../lib/plan-report/summarize";
import { runOrThrow } from "../../lib/process";
import { synthesize } from "../../lib/synth";
import { terraformEnv } from "../../lib/terraform-env";
import { plainOutput } from "../../tools/cdktf-cli";
import { Emulator } from "../../tools/emulator/emulator";
import { launchTemplateVersions } from "../../tools/emulator/inspect";
import { publishAmi, PublishedAmi } from "../../tools/emulator/publish-ami";
import type { Document } from "yaml";
import { createNetwork, EmulatedNetwork, writeScenarioConfig } from "../../tools/emulator/scenario";
import { applySharedAmiKey } from "../../tools/emulator/shared-key";

/** The account the emulator answers as (the shared account: workloads' owner filter sees its AMIs), and its region. */
export const SHARED_ACCOUNT = "111122223333";
export const REGION = "ap-northeast-1";

/** An emulator with the example synthesized against it: what every end-to-end file starts from. */
export interface Scenario {
  readonly emulator: Emulator;
  readonly ec2: EC2Client;
  readonly network: EmulatedNetwork;
  readonly dir: string;
  readonly configPath: string;
  readonly outdir: string;
  /** For Terraform, cdktf and golden-ami: the emulator, the configuration, local state in `dir`. */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Publishes build `buildVersion` of the configuration's first image as Image Builder would, at least a
   * second after the previous one (EC2 creation dates have second resolution; "newest" must be clear).
   */
  publish(buildVersion: number, options?: { nameOverride?: string; commit?: string }): Promise<PublishedAmi>;
}

export interface ScenarioOptions {
  /** Start of the temporary directory's name. */
  readonly prefix: string;
  /** Writes the configuration; default: the example on the emulated network, instance refresh off (then `edit`). */
  readonly configure?: (dir: string, network: EmulatedNetwork) => string;
  /** A change to the default configuration's YAML document, with the emulated network at hand. @default - none */
  readonly edit?: (document: Document, network: EmulatedNetwork) => void;
  /** Runs after the configuration is written and before synth (e.g. recording a recipe version). */
  readonly beforeSynth?: (configPath: string) => Promise<void>;
}

/**
 * Starts the emulator, writes the scenario configuration, synthesizes it and applies the shared AMI
 * key (the part of the shared stack the emulator can apply). Stop it with `scenario.emulator.stop()`.
 */
export async function startScenario(options: ScenarioOptions): Promise<Scenario> {
  const emulator = await Emulator.start({ accountId: SHARED_ACCOUNT, region: REGION });
  try {
    const ec2 = new EC2Client(emulator.clientConfig());
    const network = await createNetwork(ec2);
    const dir = mkdtempSync(join(tmpdir(), `${options.prefix}-`));
    const configPath =
      options.configure?.(dir, network) ??
      writeScenarioConfig({ dir, network, instanceRefresh: false, edit: options.edit && ((document) => options.edit!(document, network)) });
    await options.beforeSynth?.(configPath);
    const outdir = join(dir, "out");
    const env = terraformEnv(emulator.env({ ...process.env, AMI_PIPELINE_CONFIG: configPath, AMI_PIPELINE_STATE_DIR: dir }));
    const synth = await synthesize({ outdir, env });
    if (synth.code !== 0) throw new Error(`synth failed:\n${synth.stderr || synth.stdout}`);
    await applySharedAmiKey(outdir, env);
    // As configured now: scenarios that rewrite their configuration later keep its images.
    const { config } = loadConfig(configPath);
    let lastPublished = 0;
    const publish: Scenario["publish"] = async (buildVersion, extra = {}) => {
      await sleep(Math.max(0, lastPublished + 1100 - Date.now()));
      const ami = await publishAmi(emulator.ec2, config, config.images[0], { buildVersion, ...extra });
      lastPublished = Date.now();
      return ami;
    };
    return { emulator, ec2, network, dir, configPath, outdir, env, publish };
  } catch (error) {
    await emulator.stop();
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

/** The plan cdktf saved in the stack directory, as Terraform itself reports it. */
export async function savedPlan(outdir: string, stack: string, env: NodeJS.ProcessEnv): Promise<PlanJson> {
  const { stdout } = await runOrThrow("terraform", ["show", "-json", "plan"], { cwd: join(outdir, "stacks", stack), env });
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
  afterAll(async () => {
    const current = emulator();
    await current?.stop();
    if (current && !failed) current.discardLog();
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
