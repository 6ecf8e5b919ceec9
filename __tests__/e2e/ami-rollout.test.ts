import { EC2Client } from "@aws-sdk/client-ec2";
import { DescribeKeyCommand, KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import {
  GetImagePipelineCommand,
  ImagebuilderClient,
  ListComponentsCommand,
  ListDistributionConfigurationsCommand,
  ListImagePipelinesCommand,
  ListImageRecipesCommand,
  ListInfrastructureConfigurationsCommand,
  ListLifecyclePoliciesCommand,
} from "@aws-sdk/client-imagebuilder";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cdktfStackCommand } from "../../tools/cdktf-cli";
import type { AwsCredentials, Emulator } from "../../tools/emulator/emulator";
import { PublishedAmi } from "../../tools/emulator/publish-ami";
import { writeScenarioConfig } from "../../tools/emulator/scenario";
import { parseDocument, type Document } from "yaml";
import { loadConfig } from "../../config/load";
import { recipeLockPath } from "../../config/recipe-lock";
import { run, runOrThrow } from "../../lib/process";
import { synthesize } from "../../lib/synth";
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
  startScenario,
} from "./helpers";
import { startHeldApply } from "./held-apply";

// The project's promise, end to end: the real cdktf CLI, Terraform binary and AWS provider against
// the emulated organization, from the shared stack's first deploy through builds of its pipeline to
// the workload's fleet, a recipe version bump, and destroy. Each step builds on the one before.
jest.setTimeout(300_000);

const STACK = "web-staging";
const ROOT = join(__dirname, "..", "..");
const PIPELINE = `arn:aws:imagebuilder:${REGION}:${SHARED_ACCOUNT}:image-pipeline/sample`;

let emulator: Emulator;
let ec2: EC2Client;
let outdir: string;
let env: NodeJS.ProcessEnv;
let scenario: Scenario;
const published: Record<string, PublishedAmi> = {};

/** Publishes build `n` of the example image (or an AMI of another name, to test the lookup's filter). */
const build = (number: number) => scenario.build(number);
const publishDecoy = (name: string) => scenario.publishDecoy(name);

const plan = (stack = STACK, options = { env, outdir }) => cdktfStackCommand("plan", stack, options.outdir, { env: options.env });
const deploy = (stack = STACK, options = { env, outdir }) => cdktfStackCommand("deploy", stack, options.outdir, { env: options.env });
const destroy = (stack: string) => cdktfStackCommand("destroy", stack, outdir, { env });
const goldenAmi = (...args: string[]) => run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), ...args], { cwd: ROOT, env });
const imageBuilder = () => new ImagebuilderClient(emulator.clientConfig({ credentials: sharedAdmin }));
let sharedAdmin: AwsCredentials;

/** Edits the scenario's configuration in place. */
function editConfig(edit: (document: Document) => void): void {
  const document = parseDocument(readFileSync(scenario.configPath, "utf8"));
  edit(document);
  writeFileSync(scenario.configPath, document.toString());
}

beforeAll(async () => {
  // The shared stack is synthesized, not applied: its first deploy is the story's first step.
  scenario = await startScenario({ prefix: "e2e", sharedStack: "synthesized" });
  ({ emulator, ec2, outdir, env } = scenario);
  sharedAdmin = await scenario.adminOf(SHARED_ACCOUNT);
});

const step = scenarioSteps(() => emulator);

describe("from the shared stack's pipeline to the workload's launch template", () => {
  step("0. cdktf deploy creates the shared stack (Image Builder included); planning it again shows no changes", async () => {
    expectExit(await deploy("shared"), "success");
    const { imagePipeline } = await imageBuilder().send(new GetImagePipelineCommand({ imagePipelineArn: PIPELINE }));
    expect(imagePipeline).toMatchObject({ name: "sample", status: "ENABLED", schedule: { scheduleExpression: "cron(0 3 ? * MON *)" } });
    expect(expectExit(await plan("shared"), "success")).toContain("No changes.");
  });

  step("a. with no AMI built, cdktf plan fails with the project's message", async () => {
    const output = expectExit(await plan(), "failure");
    expect(output).toContain('No AMI of image "sample" is available to this account');
    expect(output).toContain(`owned by ${SHARED_ACCOUNT}`);
    expect(output).toContain('Run the "sample" pipeline in the shared account first');
  });

  step("b. golden-ami build runs the pipeline and prints its AMI; cdktf apply creates launch template version 1 on it", async () => {
    const built = await goldenAmi("build", "sample", "--wait", "--json");
    expectExit(built, "success");
    const outcome = JSON.parse(built.stdout) as { status: string; imageBuildVersionArn: string; amis: { region: string; imageId: string; name: string }[] };
    expect(outcome).toMatchObject({ status: "AVAILABLE", imageBuildVersionArn: `${PIPELINE.replace("image-pipeline/sample", "image/sample")}/1.0.1/1` });
    const [ami] = outcome.amis;
    expect(ami).toMatchObject({ region: REGION, name: expect.stringMatching(/^sample_v1_\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/) });
    published.v1 = { imageId: ami.imageId, name: ami.name, copies: { [REGION]: ami.imageId } };
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

  step("d. after build 2, the plan updates in place only what follows the AMI: image_id v1 -> v2", async () => {
    published.v2 = await build(2);
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
    await publishDecoy(`sample-legacy_v9_${day}`);
    await publishDecoy(`samples_v1_${day}`);
    await publishDecoy(`sample_vx_v3_${day}`);
    await publishDecoy(`other_v7_${day}`);
    expect(expectExit(await plan(), "success")).toContain("No changes.");
  });

  step("g. a recipe changed without a version bump is refused before Terraform runs; forced through, Image Builder refuses it as AWS does", async () => {
    const lockPath = recipeLockPath(scenario.configPath);
    const lock = readFileSync(lockPath, "utf8");
    editConfig((document) => document.setIn(["images", 0, "description"], "Amazon Linux 2023, patched, with jq and more"));
    const refused = expectExit(await plan("shared"), "failure");
    expect(refused).toMatch(/images\[0\]\.version \(line \d+\): got "1\.0\.1", but the recipe of image "sample"/);
    expect(refused).toContain("expected a new version such as 1.0.2, then run npx golden-ami lock");
    // Forced: the lock rewritten by hand to the changed recipe under the same version.
    const { recipeFingerprints } = loadConfig(scenario.configPath, { enforceRecipeLock: false });
    writeFileSync(lockPath, JSON.stringify({ sample: { version: "1.0.1", fingerprint: recipeFingerprints.get("sample") } }, null, 2));
    const forced = expectExit(await deploy("shared"), "failure");
    expect(forced).toContain("ResourceAlreadyExistsException");
    expect(forced).toContain(
      `The following resource 'ImageRecipe' already exists: '${PIPELINE.replace("image-pipeline/sample", "image-recipe/sample")}/1.0.1'`,
    );
    writeFileSync(lockPath, lock);
  });

  step("h. a recipe version bump: deploy shared, build, and the workload's plan is one in-place launch template change; apply", async () => {
    editConfig((document) => document.setIn(["images", 0, "version"], "1.0.2"));
    expectExit(await goldenAmi("lock", "--config", scenario.configPath), "success");
    expectExit(await deploy("shared"), "success");
    const { imagePipeline } = await imageBuilder().send(new GetImagePipelineCommand({ imagePipelineArn: PIPELINE }));
    expect(imagePipeline!.imageRecipeArn).toBe(`${PIPELINE.replace("image-pipeline/sample", "image-recipe/sample")}/1.0.2`);
    // Build numbers count per recipe version: the first build of 1.0.2 is build 1.
    published.v3 = await build(1);
    expectExit(await plan(), "success");
    const changes = realChanges(await savedPlan(outdir, STACK, env));
    expect(changes.map((c) => [c.type, c.change.actions])).toEqual([
      ["aws_autoscaling_group", ["update"]],
      ["aws_launch_template", ["update"]],
      ["aws_ssm_parameter", ["update"]],
    ]);
    const template = changes.find((c) => c.type === "aws_launch_template")!;
    expect([template.change.before?.image_id, template.change.after?.image_id]).toEqual([published.v2.imageId, published.v3.imageId]);
    expectExit(await deploy(), "success");
    expect(await stackOutputs(outdir, STACK, env)).toMatchObject({ ami_id: published.v3.imageId, launch_template_latest_version: 3 });
  });

  step(
    "i. with S3 state in the shared account, an apply of one stack waiting at its prompt holds the lock: a second apply fails on it, the first then applies, state stays readable, next plan is clean",
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
      const firstOut = join(s3Dir, "out-1");
      const synth = await synthesize({ outdir: firstOut, env: s3Env });
      expect(synth.code).toBe(0);
      const firstDir = join(firstOut, "stacks", stack);
      await runOrThrow("terraform", ["init", "-input=false", "-no-color"], { cwd: firstDir, env: s3Env });
      // The first apply waits at its approval prompt, the lock taken: the race is decided, not hoped for.
      const first = await startHeldApply(firstDir, s3Env);
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      expect(Contents.map((o) => o.Key)).toContain(`golden-ami/${stack}.tfstate.tflock`);
      const second = await deploy(stack, { env: s3Env, outdir: join(s3Dir, "out-2") });
      expect(expectExit(second, "failure")).toContain("Error acquiring the state lock");
      const approved = await first.approve();
      expect(approved.code).toBe(0);
      expect(approved.stdout).toContain("Apply complete!");
      const list = await runOrThrow("terraform", ["state", "list"], { cwd: firstDir, env: s3Env });
      expect(list.stdout).toContain("aws_launch_template.");
      expect(expectExit(await plan(stack, { env: s3Env, outdir: firstOut }), "success")).toContain("No changes.");
    },
  );

  step("j. destroy: the workload, then the shared stack; no Image Builder resource is left, the AMI key is scheduled for deletion", async () => {
    expectExit(await destroy(STACK), "success");
    expectExit(await destroy("shared"), "success");
    const client = imageBuilder();
    expect((await client.send(new ListImagePipelinesCommand({}))).imagePipelineList).toEqual([]);
    expect((await client.send(new ListImageRecipesCommand({}))).imageRecipeSummaryList).toEqual([]);
    expect((await client.send(new ListComponentsCommand({}))).componentVersionList).toEqual([]);
    expect((await client.send(new ListDistributionConfigurationsCommand({}))).distributionConfigurationSummaryList).toEqual([]);
    expect((await client.send(new ListInfrastructureConfigurationsCommand({}))).infrastructureConfigurationSummaryList).toEqual([]);
    expect((await client.send(new ListLifecyclePoliciesCommand({}))).lifecyclePolicySummaryList).toEqual([]);
    // The shared account's only customer-managed key was the AMI key: scheduled for deletion, as AWS keeps a key 7 to 30 days.
    const kms = new KMSClient(emulator.clientConfig({ credentials: sharedAdmin }));
    const { Keys = [] } = await kms.send(new ListKeysCommand({}));
    const states = await Promise.all(Keys.map(async (key) => (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyState));
    expect(states).toEqual(Keys.map(() => "PendingDeletion"));
    expect(states.length).toBeGreaterThan(0);
  });
});
