// npm run demo: the project's promise, told step by step on a local AWS emulator.
import { EC2Client } from "@aws-sdk/client-ec2";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { loadConfig } from "../config/load";
import { amiNameTemplate } from "../conventions/ami-names";
import { cdktfStackCommand, plainOutput } from "./cdktf-cli";
import { Emulator, withEmulator } from "./emulator/emulator";
import { launchTemplateVersions, stackOutputs } from "./emulator/inspect";
import { prepareScenario } from "./emulator/prepare";
import { writeScenarioConfig } from "./emulator/scenario";
import { run, RunResult } from "../lib/process";
import { PROJECT_ROOT } from "../lib/synth";

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

async function cdktfStep(command: "plan" | "deploy", outdir: string, env: NodeJS.ProcessEnv, expectFailure = false, stack = STACK): Promise<RunResult> {
  say(`$ cdktf ${command === "deploy" ? "apply" : "plan"} ${stack}`);
  const result = await cdktfStackCommand(command, stack, outdir, { env, onOutput: progress });
  if ((result.code === 0) === expectFailure) throw new Error(`cdktf ${command} ${stack} exited ${result.code}, which the demo did not expect`);
  return result;
}

/** `npx golden-ami build <image> --wait --json`, its progress lines shown as they come; the built AMIs. */
async function buildStep(imageName: string, env: NodeJS.ProcessEnv): Promise<{ region: string; imageId: string; name: string }[]> {
  say(`$ npx golden-ami build ${imageName} --wait`);
  const result = await run(process.execPath, [join(PROJECT_ROOT, "bin", "golden-ami.js"), "build", imageName, "--wait", "--json"], {
    cwd: PROJECT_ROOT,
    env,
    onOutput: (chunk) => chunk.startsWith("{") || progress(chunk),
  });
  if (result.code !== 0) throw new Error(`golden-ami build ${imageName} exited ${result.code}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { amis: { region: string; imageId: string; name: string }[] }).amis;
}

async function story(emulator: Emulator, workDir: string): Promise<void> {
  // The emulator has no instance refresh API; the group still follows the template's latest version.
  const configPath = await writeScenarioConfig(emulator, { dir: workDir, instanceRefresh: false });
  const { config } = loadConfig(configPath);
  const image = config.images[0];
  const workload = config.workloads.find((w) => w.name === STACK)!;
  const accountOf = (id: string) => emulator.organization.accounts.find((a) => a.id === id);
  say(
    `The emulated organization ${emulator.organization.organization.id}: ${emulator.organization.accounts.map((a) => `${a.id} (${a.name}, OU ${a.organizational_unit})`).join(", ")}; outside it: ${emulator.organization.outsiders.map((a) => a.id).join(", ")}.`,
  );
  step("an administrator bootstraps each account: its golden-ami-plan and golden-ami-deploy roles, trusted by the CI's roles");
  const prepared = await prepareScenario(emulator, workDir, configPath, { sharedStack: "synthesized" });
  say(
    `  -> bootstrapped ${prepared.bootstrapped.join(", ")}; every stack now runs through its own account's roles, assumed by ${emulator.organization.ci_roles.deploy}`,
  );
  const { outdir, env } = prepared;
  const ec2 = new EC2Client(emulator.clientConfig({ credentials: await prepared.adminOf(workload.account_id) }));
  say(
    `The shared account ${config.shared.account_id} (OU ${accountOf(config.shared.account_id)?.organizational_unit}) builds image "${image.name}"; its AMIs are named ${amiNameTemplate(image.name)} and shared with ${config.organization.arn}.`,
  );
  say(
    `The workload "${STACK}" in account ${workload.account_id} (OU ${accountOf(workload.account_id)?.organizational_unit}) runs the newest of them in a launch template.`,
  );

  step(`deploy the shared stack in ${config.shared.account_id}: the Image Builder pipeline, its components and recipe, the AMI key, notifications`);
  await cdktfStep("deploy", outdir, env, false, "shared");
  say(`  -> the pipeline ${image.name} exists; nothing has been built yet`);

  step("no AMI has been built yet, so the workload's plan stops with a clear message");
  const first = await cdktfStep("plan", outdir, env, true);
  const message = plainOutput(first.stdout + first.stderr)
    .match(/No AMI of image[^]*?(build the image again|with this account)\./)?.[0]
    ?.replace(/\s+/g, " ");
  say(`  -> cdktf plan failed, as it should: ${message ?? "(see above)"}`);

  step(`run the pipeline: build 1 of "${image.name}" in the shared account ${config.shared.account_id}`);
  const [v1] = await buildStep(image.name, env);
  say(`  -> ${v1.name} (${v1.imageId}), shared with ${config.organization.arn}`);

  step(`apply the workload in account ${workload.account_id}: a launch template on AMI v1, found there through the organization's launch permission`);
  await cdktfStep("deploy", outdir, env);
  say(`  -> launch template: ${await versionsOf(ec2, outdir, env)}`);

  step(`run the pipeline again: build 2 in the shared account (no code change in the workload)`);
  const [v2] = await buildStep(image.name, env);
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
    await withEmulator({ region: "ap-northeast-1", log: (line) => say(`  ${line}`) }, (emulator) => story(emulator, workDir));
    say(`\nDone in ${Math.round((Date.now() - started) / 1000)} s. The emulator is stopped and its state removed.`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`\nThe demo failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
