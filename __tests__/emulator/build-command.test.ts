// `golden-ami build` against the emulator's Image Builder, in-process: the pipeline the shared stack
// would make (named as it names it), set up here through the SDK so the command's behaviours are
// tested in seconds; the end-to-end suite runs it after a real `apply` of the shared stack.
import {
  CreateComponentCommand,
  CreateDistributionConfigurationCommand,
  CreateImagePipelineCommand,
  CreateImageRecipeCommand,
  CreateInfrastructureConfigurationCommand,
  GetImageCommand,
  GetImagePipelineCommand,
  ImagebuilderClient,
  UpdateImagePipelineCommand,
} from "@aws-sdk/client-imagebuilder";
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand } from "@aws-sdk/client-iam";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { amiNameTemplate } from "../../conventions/ami-names";
import type { Emulator } from "../../tools/emulator/emulator";
import { writeScenarioConfig } from "../../tools/emulator/scenario";
import { goldenAmiInProcess } from "../helpers/in-process-cli";
import { REGION, SHARED, createRole, freshOrganization } from "./accounts";

const OTHER_REGION = "eu-west-1";
const DOCUMENT =
  "schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Hello\n        action: ExecuteBash\n        inputs:\n          commands: ['echo hello']\n";

let emulator: Emulator;
let imageBuilder: ImagebuilderClient;
let configPath: string;
let env: NodeJS.ProcessEnv;
let pipelineArn: string;

const build = (...args: string[]) => goldenAmiInProcess(["build", ...args, "--config", configPath], { env });

async function recipe(name: string, data: string): Promise<string> {
  const { componentBuildVersionArn } = await imageBuilder.send(
    new CreateComponentCommand({ name: `${name}-build`, semanticVersion: "1.0.0", platform: "Linux", data }),
  );
  const answer = await imageBuilder.send(
    new CreateImageRecipeCommand({
      name,
      semanticVersion: "1.0.0",
      parentImage: `arn:aws:imagebuilder:${REGION}:aws:image/amazon-linux-2023-x86/x.x.x`,
      components: [{ componentArn: componentBuildVersionArn }],
    }),
  );
  return answer.imageRecipeArn!;
}

beforeAll(async () => {
  const organization = await freshOrganization();
  emulator = organization.emulator;
  const dir = mkdtempSync(join(tmpdir(), "build-command-"));
  configPath = await writeScenarioConfig(emulator, {
    dir,
    instanceRefresh: false,
    edit: (document) => document.setIn(["images", 0, "distribution", "regions"], [REGION, OTHER_REGION]),
  });
  const shared = await organization.admin(SHARED);
  imageBuilder = new ImagebuilderClient(emulator.clientConfig({ credentials: shared.credentials }));
  // What the bootstrap stack makes: the shared account's deploy role, assumed by the CI's deploy role.
  const ci = emulator.organization.ci_roles;
  await createRole(shared.iam, "golden-ami-deploy", ci.deploy, []);
  env = emulator.env(await emulator.assume(ci.deploy, "ci-deploy"));
  await shared.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "golden-ami-builder" }));
  await createRole(shared.iam, "golden-ami-builder", `arn:aws:iam::${SHARED}:root`, []);
  await shared.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "golden-ami-builder", RoleName: "golden-ami-builder" }));
});

describe("golden-ami build", () => {
  it("names the configured images when asked for another (exit 2)", async () => {
    const result = await build("nosuch");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown image "nosuch"; images are sample');
  });

  it("refuses a region the image is not distributed to (exit 2)", async () => {
    const result = await build("sample", "--region", "us-west-2");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`expected a region sample is distributed to: ${REGION}, ${OTHER_REGION}`);
  });

  it("before the shared stack is applied, says to apply it, with the command", async () => {
    const result = await build("sample", "--wait");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the pipeline of sample (arn:aws:imagebuilder:${REGION}:${SHARED}:image-pipeline/sample) does not exist`);
    expect(result.stderr).toContain("apply the shared stack first (npx golden-ami plan shared && npx golden-ami apply shared)");
  });

  it("starts the pipeline, shows each status once, and prints each region's AMI", async () => {
    const { infrastructureConfigurationArn } = await imageBuilder.send(
      new CreateInfrastructureConfigurationCommand({ name: "sample", instanceProfileName: "golden-ami-builder" }),
    );
    const template = amiNameTemplate("sample");
    const { distributionConfigurationArn } = await imageBuilder.send(
      new CreateDistributionConfigurationCommand({
        name: "sample",
        distributions: [REGION, OTHER_REGION].map((region) => ({ region, amiDistributionConfiguration: { name: template } })),
      }),
    );
    ({ imagePipelineArn: pipelineArn } = (await imageBuilder.send(
      new CreateImagePipelineCommand({
        name: "sample",
        imageRecipeArn: await recipe("sample", DOCUMENT),
        infrastructureConfigurationArn,
        distributionConfigurationArn,
      }),
    )) as { imagePipelineArn: string });

    const result = await build("sample", "--wait");
    expect(result.code).toBe(0);
    const statuses = result.stderr.split("\n").flatMap((line) => /^\s*\d+:\d\d {2}(\w+)$/.exec(line)?.[1] ?? []);
    expect(statuses[statuses.length - 1]).toBe("AVAILABLE");
    expect(new Set(statuses).size).toBe(statuses.length); // one line per status
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^region\s+AMI\s+name$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual([REGION, OTHER_REGION]);
    for (const line of lines.slice(1)) expect(line).toMatch(/ami-[0-9a-f]+\s+sample_v1_\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/);
    expect(result.stderr).toContain(`arn:aws:imagebuilder:${REGION}:${SHARED}:image/sample/1.0.0/1 is AVAILABLE in 2 region(s)`);
  });

  it("--json --region gives one region's AMI to a script", async () => {
    const result = await build("sample", "--wait", "--json", "--region", OTHER_REGION);
    expect(result.code).toBe(0);
    const outcome = JSON.parse(result.stdout) as { status: string; amis: { region: string; imageId: string; name: string }[] };
    expect(outcome.status).toBe("AVAILABLE");
    expect(outcome.amis).toEqual([{ region: OTHER_REGION, imageId: expect.stringMatching(/^ami-/), name: expect.stringMatching(/^sample_v2_/) }]);
  });

  it("without --wait starts and says how to follow; a second build is refused naming the running one; --attach follows it", async () => {
    const started = await build("sample");
    expect(started.code).toBe(0);
    const arn = /started (\S+);/.exec(started.stderr)?.[1];
    expect(arn).toBe(`arn:aws:imagebuilder:${REGION}:${SHARED}:image/sample/1.0.0/3`);
    expect(started.stderr).toContain("follow it with npx golden-ami build sample --attach");

    const second = await build("sample", "--wait");
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`a build of sample is running: ${arn} (`);
    expect(second.stderr).toContain("or start another with --force");

    const attached = await build("sample", "--attach", "--json");
    expect(attached.code).toBe(0);
    expect(JSON.parse(attached.stdout)).toMatchObject({ imageBuildVersionArn: arn, status: "AVAILABLE" });
  });

  it("on timeout prints the build and how to keep watching (exit 1); the build goes on", async () => {
    const result = await build("sample", "--wait", "--timeout", "1s");
    expect(result.code).toBe(1);
    const arn = `arn:aws:imagebuilder:${REGION}:${SHARED}:image/sample/1.0.0/4`;
    expect(result.stderr).toMatch(
      new RegExp(`still \\w+ after 0:01: the build keeps running \\(${arn.replace(/\//g, "\\/")}\\); follow it with npx golden-ami build sample --attach`),
    );
    expect((await build("sample", "--attach")).code).toBe(0);
  });

  it("on Ctrl-C stops watching, not the build, and says how to watch it (exit 130)", async () => {
    const waiting = build("sample", "--wait");
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.emit("SIGINT");
    const result = await waiting;
    expect(result.code).toBe(130);
    const arn = `arn:aws:imagebuilder:${REGION}:${SHARED}:image/sample/1.0.0/5`;
    expect(result.stderr).toContain(`interrupted: the build keeps running (${arn}); follow it with npx golden-ami build sample --attach`);
    const { image } = await imageBuilder.send(new GetImageCommand({ imageBuildVersionArn: arn }));
    expect(image!.state!.status).not.toBe("CANCELLED");
    expect((await build("sample", "--attach")).code).toBe(0);
  });

  it("a FAILED build prints the reason (exit 1)", async () => {
    const broken = await recipe("sample-broken", DOCUMENT.replace("ExecuteBash", "ExecuteBashh"));
    const current = await imageBuilder.send(new GetImagePipelineCommand({ imagePipelineArn: pipelineArn }));
    await imageBuilder.send(
      new UpdateImagePipelineCommand({
        imagePipelineArn: pipelineArn,
        imageRecipeArn: broken,
        infrastructureConfigurationArn: current.imagePipeline!.infrastructureConfigurationArn,
        distributionConfigurationArn: current.imagePipeline!.distributionConfigurationArn,
      }),
    );
    const result = await build("sample", "--wait");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ended FAILED: Image build failed:");
    expect(result.stderr).toContain("'ExecuteBashh' is not an AWSTOE action module");
  });
});
