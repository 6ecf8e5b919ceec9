import { EC2Client } from "@aws-sdk/client-ec2";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cdktfStackCommand } from "../../tools/cdktf-cli";
import { Emulator } from "../../tools/emulator/emulator";
import { PublishedAmi } from "../../tools/emulator/publish-ami";
import { writeScenarioConfig } from "../../tools/emulator/scenario";
import { runOrThrow } from "../../lib/process";
import { stackOutputs } from "../../tools/emulator/inspect";
import {
  changedAttributes,
  expectExit,
  launchTemplateState,
  realChanges,
  savedPlan,
  REGION,
  Scenario,
  scenarioSteps,
  SHARED_ACCOUNT,
  sleep,
  startScenario,
} from "./helpers";

// The project's promise, end to end: the real cdktf CLI, Terraform binary and AWS provider against
// a local AWS emulator (moto). Each step builds on the one before.
jest.setTimeout(300_000);

const STACK = "web-staging";

let emulator: Emulator;
let ec2: EC2Client;
let outdir: string;
let env: NodeJS.ProcessEnv;
let scenario: Scenario;
const published: Record<string, PublishedAmi> = {};

/** Publishes build `n` of the example image (or an AMI of another name, to test the lookup's filter). */
const publish = (buildVersion: number, nameOverride?: string) => scenario.publish(buildVersion, { nameOverride, commit: "e2e" });

const plan = (stack = STACK, options = { env, outdir }) => cdktfStackCommand("plan", stack, options.outdir, { env: options.env });
const deploy = (stack = STACK, options = { env, outdir }) => cdktfStackCommand("deploy", stack, options.outdir, { env: options.env });

beforeAll(async () => {
  scenario = await startScenario({ prefix: "e2e" });
  ({ emulator, ec2, outdir, env } = scenario);
});

const step = scenarioSteps(() => emulator);

describe("a new shared AMI rolls into the workload's launch template", () => {
  step("a. with no AMI published, cdktf plan fails with the project's message", async () => {
    const output = expectExit(await plan(), "failure");
    expect(output).toContain('No AMI of image "sample" is available to this account');
    expect(output).toContain(`owned by ${SHARED_ACCOUNT}`);
    expect(output).toContain('Run the "sample" pipeline in the shared account first');
  });

  step("b. after v1 is published, cdktf apply creates launch template version 1 on it", async () => {
    published.v1 = await publish(1);
    expectExit(await deploy(), "success");
    const outputs = await stackOutputs(outdir, STACK, env);
    expect(outputs).toMatchObject({ ami_id: published.v1.imageId, ami_name: published.v1.name, launch_template_latest_version: 1 });
    const template = await launchTemplateState(ec2, outputs.launch_template_id as string);
    expect(template).toMatchObject({ latest: 1, default: 1 });
    expect(template.imageOf(1)).toBe(published.v1.imageId);
  });

  step("c. planning again shows no changes (update_default_version causes no perpetual diff)", async () => {
    expect(expectExit(await plan(), "success")).toContain("No changes.");
    expect(realChanges(await savedPlan(outdir, STACK, env))).toEqual([]);
  });

  step("d. after v2 is published, the plan updates in place only what follows the AMI: image_id v1 -> v2", async () => {
    published.v2 = await publish(2);
    expectExit(await plan(), "success");
    const saved = await savedPlan(outdir, STACK, env);
    const changes = realChanges(saved);
    // The one AMI change, and what follows from it: the group moves to the template's new version,
    // and staging republishes the AMI it runs for production. Nothing is created, replaced or destroyed.
    expect(changes.map((c) => [c.type, c.change.actions])).toEqual([
      ["aws_autoscaling_group", ["update"]],
      ["aws_launch_template", ["update"]],
      ["aws_ssm_parameter", ["update"]],
    ]);
    const template = changes.find((c) => c.type === "aws_launch_template")!;
    expect(template.change.before?.image_id).toBe(published.v1.imageId);
    expect(template.change.after?.image_id).toBe(published.v2.imageId);
    const group = changes.find((c) => c.type === "aws_autoscaling_group")!;
    expect(changedAttributes(group)).toEqual(["launch_template"]);
    expect(saved.output_changes?.ami_id).toMatchObject({ actions: ["update"], before: published.v1.imageId, after: published.v2.imageId });
    expect(saved.output_changes?.ami_name).toMatchObject({ before: published.v1.name, after: published.v2.name });
    // The pull-request comment of this very plan calls the AMI update out.
    writeFileSync(join(outdir, "stacks", STACK, "plan.json"), JSON.stringify(saved));
    const report = await runOrThrow(process.execPath, ["bin/golden-ami.js", "report", "--outdir", outdir], { cwd: join(__dirname, "../..") });
    expect(report.stdout).toContain("**1 launch template moves to a new AMI**");
    expect(report.stdout).toContain(`| \`${published.v1.imageId}\` \`${published.v1.name}\` | \`${published.v2.imageId}\` \`${published.v2.name}\` |`);
  });

  step("e. cdktf apply makes version 2 on v2 the latest and default; the next plan has no changes", async () => {
    expectExit(await deploy(), "success");
    const outputs = await stackOutputs(outdir, STACK, env);
    expect(outputs).toMatchObject({ ami_id: published.v2.imageId, launch_template_latest_version: 2 });
    const template = await launchTemplateState(ec2, outputs.launch_template_id as string);
    expect(template).toMatchObject({ latest: 2, default: 2 });
    expect(template.imageOf(2)).toBe(published.v2.imageId);
    expect(template.imageOf(1)).toBe(published.v1.imageId);
    expect(expectExit(await plan(), "success")).toContain("No changes.");
  });

  // Deprecated AMIs are excluded by the lookup's include_deprecated = false (unit tests); the emulator
  // cannot deprecate an AMI (EnableImageDeprecation answers 500 Internal Server Error), so not here.
  step("f. newer AMIs whose names only look alike, and another image's AMIs, are never chosen", async () => {
    const day = "2030-01-01T00-00-00.000Z";
    await publish(0, `sample-legacy_v9_${day}`);
    await publish(0, `samples_v1_${day}`);
    await publish(0, `sample_vx_v3_${day}`);
    await publish(0, `other_v7_${day}`);
    expect(expectExit(await plan(), "success")).toContain("No changes.");
  });

  step("g. cdktf plan of the shared stack succeeds (the emulator has no Image Builder, so plan only)", async () => {
    expectExit(await plan("shared"), "success");
    const creates = realChanges(await savedPlan(outdir, "shared", env)).filter((c) => c.change.actions.includes("create"));
    expect(creates.map((c) => c.type)).toEqual(
      expect.arrayContaining([
        "aws_imagebuilder_component",
        "aws_imagebuilder_image_recipe",
        "aws_imagebuilder_infrastructure_configuration",
        "aws_imagebuilder_distribution_configuration",
        "aws_imagebuilder_image_pipeline",
      ]),
    );
  });

  step(
    "h. with S3 state in the shared account, two applies of one stack at once: one fails on the lock, state stays readable, next plan is clean",
    async () => {
      const s3 = new S3Client(emulator.clientConfig({ credentials: await scenario.adminOf(SHARED_ACCOUNT) }));
      const bucket = "golden-ami-e2e-state";
      await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }));
      const s3Dir = mkdtempSync(join(tmpdir(), "e2e-s3-"));
      const s3Config = await writeScenarioConfig(emulator, { dir: s3Dir, instanceRefresh: false, state: { bucket, region: REGION } });
      // The emulator serves buckets by path, not by virtual host; only the test knows it. The state is
      // written with the CI's own credentials (a role in the shared account, where the bucket is).
      const s3Env = { ...env, AMI_PIPELINE_CONFIG: s3Config, TF_CLI_ARGS_init: `${env.TF_CLI_ARGS_init ?? ""} -backend-config=use_path_style=true` };
      const stack = "web-production";
      const first = deploy(stack, { env: s3Env, outdir: join(s3Dir, "out-1") });
      // Start the second apply only once the first holds the lock, so the race is decided, not hoped for.
      const lockKey = `golden-ami/${stack}.tfstate.tflock`;
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        if (Contents.some((o) => o.Key === lockKey)) break;
        await sleep(100);
      }
      const second = await deploy(stack, { env: s3Env, outdir: join(s3Dir, "out-2") });
      expectExit(await first, "success");
      expect(expectExit(second, "failure")).toContain("Error acquiring the state lock");
      const list = await runOrThrow("terraform", ["state", "list"], { cwd: join(s3Dir, "out-1", "stacks", stack), env: s3Env });
      expect(list.stdout).toContain("aws_launch_template.");
      expect(expectExit(await plan(stack, { env: s3Env, outdir: join(s3Dir, "out-1") }), "success")).toContain("No changes.");
    },
  );
});
