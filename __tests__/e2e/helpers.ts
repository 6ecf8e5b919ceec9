import { EC2Client } from "@aws-sdk/client-ec2";
import { join } from "node:path";
import { plainOutput } from "../../tools/cdktf-cli";
import { changedAttributes as attributeChanges } from "../../lib/plan-report/summarize";
import { Emulator } from "../../tools/emulator/emulator";
import { launchTemplateVersions } from "../../tools/emulator/inspect";
import { runOrThrow } from "../../lib/process";

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
