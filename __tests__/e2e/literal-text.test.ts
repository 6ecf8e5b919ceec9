import { readFileSync } from "node:fs";
import { join } from "node:path";

import { planStack } from "../../lib/plan-stacks";
import { runOrThrow } from "../../lib/process";
import { PlanJson, startScenario } from "./helpers";
import { STACK_FILES } from "../../conventions/names";

// Configuration text and component documents are data: the real Terraform plans them as written,
// never evaluating "${…}" or "%{…}" in them (which would read files on the CI runner into the plan).
jest.setTimeout(600_000);

const HOSTILE = '${file("/etc/hostname")} %{ if true }yes%{ endif }';
const ROOT = join(__dirname, "..", "..");

let outdir: string;
let env: NodeJS.ProcessEnv;

async function plan(stack: string): Promise<PlanJson> {
  const dir = join(outdir, "stacks", stack);
  if (!(await planStack(dir, env, { showAlways: true })).ok) throw new Error(readFileSync(join(dir, STACK_FILES.planError), "utf8"));
  return JSON.parse(readFileSync(join(dir, STACK_FILES.planJson), "utf8")) as PlanJson;
}

const planned = (json: PlanJson, type: string) =>
  (json.resource_changes ?? []).filter((c) => c.type === type).map((c) => c.change.after as Record<string, unknown>);

beforeAll(async () => {
  const scenario = await startScenario({
    prefix: "literal",
    edit: (document) => {
      document.setIn(["tags", "Hostile"], HOSTILE);
      document.setIn(["images", 0, "description"], HOSTILE);
      document.setIn(["images", 0, "version"], "9.9.9");
      document.setIn(["images", 0, "distribution", "ami_tags", "Note"], HOSTILE);
      document.setIn(["workloads", 0, "user_data", "variables", "log_level"], HOSTILE);
    },
    // The description is part of the recipe: record the new version as a user would.
    beforeSynth: async (configPath) => {
      await runOrThrow(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "lock", "--config", configPath], { cwd: ROOT });
    },
  });
  ({ outdir, env } = scenario);
  await scenario.build(1);
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
