import { EC2Client } from "@aws-sdk/client-ec2";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { PLAN_ERROR, PLAN_JSON } from "../../lib/plan-report/read-plans";
import { planStack } from "../../lib/plan-stacks";
import { runOrThrow } from "../../lib/process";
import { synthesize } from "../../lib/synth";
import { terraformEnv } from "../../lib/terraform-env";
import { Emulator } from "../../tools/emulator/emulator";
import { publishAmi } from "../../tools/emulator/publish-ami";
import { createNetwork, writeScenarioConfig } from "../../tools/emulator/scenario";
import { applySharedAmiKey } from "../../tools/emulator/shared-key";
import { PlanJson } from "./helpers";

// Configuration text and component documents are data: the real Terraform plans them as written,
// never evaluating "${…}" or "%{…}" in them (which would read files on the CI runner into the plan).
jest.setTimeout(600_000);

const HOSTILE = '${file("/etc/hostname")} %{ if true }yes%{ endif }';
const ROOT = join(__dirname, "..", "..");

let emulator: Emulator;
let outdir: string;
let env: NodeJS.ProcessEnv;

async function plan(stack: string): Promise<PlanJson> {
  const dir = join(outdir, "stacks", stack);
  if (!(await planStack(dir, env, { showAlways: true })).ok) throw new Error(readFileSync(join(dir, PLAN_ERROR), "utf8"));
  return JSON.parse(readFileSync(join(dir, PLAN_JSON), "utf8")) as PlanJson;
}

const planned = (json: PlanJson, type: string) =>
  (json.resource_changes ?? []).filter((c) => c.type === type).map((c) => c.change.after as Record<string, unknown>);

beforeAll(async () => {
  emulator = await Emulator.start({ accountId: "111122223333", region: "ap-northeast-1" });
  const ec2 = new EC2Client(emulator.clientConfig());
  const dir = mkdtempSync(join(tmpdir(), "literal-"));
  const configPath = writeScenarioConfig({
    dir,
    network: await createNetwork(ec2),
    instanceRefresh: false,
    edit: (document) => {
      document.setIn(["tags", "Hostile"], HOSTILE);
      document.setIn(["images", 0, "description"], HOSTILE);
      document.setIn(["images", 0, "version"], "9.9.9");
      document.setIn(["images", 0, "distribution", "ami_tags", "Note"], HOSTILE);
      document.setIn(["workloads", 0, "user_data", "variables", "log_level"], HOSTILE);
    },
  });
  // The description is part of the recipe: record the new version as a user would.
  await runOrThrow(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "lock", "--config", configPath], { cwd: ROOT });
  outdir = join(dir, "out");
  env = terraformEnv(emulator.env({ ...process.env, AMI_PIPELINE_CONFIG: configPath, AMI_PIPELINE_STATE_DIR: dir }));
  const synth = await synthesize({ outdir, env });
  if (synth.code !== 0) throw new Error(synth.stderr);
  await applySharedAmiKey(outdir, env);
  const { config } = loadConfig(configPath);
  await publishAmi(ec2, config, config.images[0], { buildVersion: 1 });
});

afterAll(async () => {
  await emulator?.stop();
});

describe("configuration text reaches AWS as written (real terraform plan against the emulator)", () => {
  it("shared stack: the recipe description, AMI tags and default tags are literal", async () => {
    const shared = await plan("shared");
    const [recipe] = planned(shared, "aws_imagebuilder_image_recipe");
    expect(recipe.description).toBe(HOSTILE);
    expect(recipe.tags_all).toMatchObject({ Hostile: HOSTILE });
    const [distribution] = planned(shared, "aws_imagebuilder_distribution_configuration");
    expect(JSON.stringify(distribution.distribution)).toContain(JSON.stringify(HOSTILE));
  });

  it("shared stack: component documents keep their shell variables and rpm query formats", async () => {
    const shared = await plan("shared");
    const build = planned(shared, "aws_imagebuilder_component").find((c) => c.name === "sample-build")!;
    expect(build.data).toBe(readFileSync(join(ROOT, "image-components", "build.yml"), "utf8"));
    expect(build.data).toContain('basename "${f%.repo}"');
    expect(build.data).toContain("HOME=${HOME}");
    expect(build.data).toContain("'%{NAME}-%{VERSION}-%{RELEASE}\\n'");
  });

  it("workload stack: user-data variables and tags are literal in the rendered template", async () => {
    const staging = await plan("web-staging");
    const [template] = planned(staging, "aws_launch_template");
    expect(Buffer.from(template.user_data as string, "base64").toString("utf8")).toContain(`APP_LOG_LEVEL=${HOSTILE}\n`);
    expect(template.tags_all).toMatchObject({ Hostile: HOSTILE });
  });
});
