// npm run demo: the project's promise, told step by step on a local AWS emulator.
import { EC2Client } from "@aws-sdk/client-ec2";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { loadConfig } from "../config/load";
import { amiNameTemplate } from "../constructs/ami-conventions";
import { cdktfStackCommand, plainOutput } from "./cdktf-cli";
import { Emulator, withEmulator } from "./emulator/emulator";
import { launchTemplateVersions, stackOutputs } from "./emulator/inspect";
import { publishAmi } from "./emulator/publish-ami";
import { applySharedAmiKey } from "./emulator/shared-key";
import { synthesize } from "../lib/synth";
import { createNetwork, writeScenarioConfig } from "./emulator/scenario";
import { RunResult } from "../lib/process";
import { terraformEnv } from "../lib/terraform-env";

const STACK = "web-staging";
let stepNumber = 0;

const say = (text = "") => console.log(text);
const step = (title: string) => say(`\n=== Step ${++stepNumber}: ${title}`);

/** Shows Terraform's progress as it happens, without the CLI's spinner frames. */
function progress(chunk: string): void {
  for (const line of stripVTControlCharacters(chunk).split("\n")) {
    if (line.trim() && !/^\s*[\u2800-\u28ff]\s/.test(line) && !/^\d+ Stacks? deploying/.test(line)) console.log(`    | ${line.trimEnd()}`);
  }
}

async function cdktfStep(command: "plan" | "deploy", outdir: string, env: NodeJS.ProcessEnv, expectFailure = false): Promise<RunResult> {
  say(`$ cdktf ${command === "deploy" ? "apply" : "plan"} ${STACK}`);
  const result = await cdktfStackCommand(command, STACK, outdir, { env, onOutput: progress });
  if ((result.code === 0) === expectFailure) throw new Error(`cdktf ${command} ${STACK} exited ${result.code}, which the demo did not expect`);
  return result;
}

async function story(emulator: Emulator, workDir: string): Promise<void> {
  const ec2 = new EC2Client(emulator.clientConfig());
  // The emulator has no instance refresh API; the group still follows the template's latest version.
  const configPath = writeScenarioConfig({ dir: workDir, network: await createNetwork(ec2), instanceRefresh: false });
  const { config } = loadConfig(configPath);
  const image = config.images[0];
  const outdir = join(workDir, "cdktf.out");
  const env = terraformEnv(emulator.env({ ...process.env, AMI_PIPELINE_CONFIG: configPath, AMI_PIPELINE_STATE_DIR: workDir }));
  await synthesize({ outdir, env });
  await applySharedAmiKey(outdir, env); // what `cdktf deploy shared` would have made, minus Image Builder
  say(`The shared account ${config.shared.account_id} builds image "${image.name}"; its AMIs are named ${amiNameTemplate(image.name)}.`);
  say(`The workload "${STACK}" runs the newest of them in a launch template.`);

  step("no AMI has been published yet, so the workload's plan stops with a clear message");
  const first = await cdktfStep("plan", outdir, env, true);
  const message = plainOutput(first.stdout + first.stderr)
    .match(/No AMI of image[^]*?this account\./)?.[0]
    ?.replace(/\s+/g, " ");
  say(`  -> cdktf plan failed, as it should: ${message ?? "(see above)"}`);

  step(`the pipeline publishes build 1 of "${image.name}"`);
  const v1 = await publishAmi(emulator.ec2, config, image, { buildVersion: 1, commit: "demo" });
  say(`  -> ${v1.name} (${v1.imageId}), shared with ${config.organization.arn}`);

  step("apply the workload: a launch template on AMI v1");
  await cdktfStep("deploy", outdir, env);
  say(`  -> launch template: ${await versionsOf(ec2, outdir, env)}`);

  step(`the pipeline publishes build 2 (no code change in the workload)`);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // EC2 creation dates have second resolution
  const v2 = await publishAmi(emulator.ec2, config, image, { buildVersion: 2, commit: "demo" });
  say(`  -> ${v2.name} (${v2.imageId})`);

  step("plan the workload: the new AMI shows up as in-place updates, nothing created or destroyed");
  const planned = plainOutput((await cdktfStep("plan", outdir, env)).stdout);
  for (const pattern of [
    /aws_launch_template\.\S+ (\(\S+\) )?will be updated in-place/,
    /image_id = "ami-\w+" -> "ami-\w+"/,
    /Plan: \d+ to add, \d+ to change, \d+ to destroy\./,
  ]) {
    say(`  -> ${planned.match(pattern)?.[0] ?? "(not found: see the plan above)"}`);
  }

  step("apply the workload: AMI v2 becomes the launch template's latest and default version");
  const before = await versionsOf(ec2, outdir, env);
  await cdktfStep("deploy", outdir, env);
  say(`  -> before: ${before}`);
  say(`  -> after:  ${await versionsOf(ec2, outdir, env)}`);
  say(`  The Auto Scaling group follows the template's latest version; on AWS its instance refresh now rolls the fleet onto ${v2.imageId}.`);
}

async function versionsOf(ec2: EC2Client, outdir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { launch_template_id: id } = await stackOutputs(outdir, STACK, env);
  const versions = await launchTemplateVersions(ec2, id as string);
  return versions.map((v) => `version ${v.version}${v.isDefault ? " (default)" : ""} on ${v.imageId}`).join(", ");
}

async function main(): Promise<void> {
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), "golden-ami-demo-"));
  try {
    say("Starting a local AWS emulator (moto); nothing here touches a real AWS account.");
    await withEmulator({ accountId: "111122223333", region: "ap-northeast-1", log: (line) => say(`  ${line}`) }, (emulator) => story(emulator, workDir));
    say(`\nDone in ${Math.round((Date.now() - started) / 1000)} s. The emulator is stopped and its state removed.`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`\nThe demo failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
