import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeConfigCopy } from "../../tools/emulator/scenario";
import { runOrThrow } from "../../lib/process";
import { synthesize } from "../../lib/synth";
import { terraformEnv } from "../../lib/terraform-env";

// The real terraform binary and AWS provider (offline, from the provider mirror) on every stack of the example.
jest.setTimeout(180_000);

async function validate(cwd: string): Promise<void> {
  const env = terraformEnv();
  await runOrThrow("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd, env });
  const { stdout } = await runOrThrow("terraform", ["validate", "-json", "-no-color"], { cwd, env });
  const result = JSON.parse(stdout);
  expect(result.diagnostics).toEqual([]);
  expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
}

describe("terraform validate on every stack of the example configuration", () => {
  const outdir = mkdtempSync(join(tmpdir(), "validate-"));
  let stacks: string[] = [];

  beforeAll(async () => {
    const synth = await synthesize({ outdir });
    expect(synth.stderr).toBe("");
    stacks = readdirSync(join(outdir, "stacks"));
  });

  it("synthesizes the shared stack and one stack per workload", () => {
    expect(stacks.sort()).toEqual(["shared", "web-production", "web-staging"]);
  });

  it.each(["shared", "web-staging", "web-production"])("%s is valid Terraform", (stack) => validate(join(outdir, "stacks", stack)));
});

describe("terraform validate on a blue/green workload with both colours", () => {
  it("is valid Terraform", async () => {
    const dir = mkdtempSync(join(tmpdir(), "validate-bg-"));
    const configPath = writeConfigCopy({
      dir,
      edit: (document) =>
        document.setIn(
          ["workloads", 1, "blue_green"],
          document.createNode({
            blue: { ami: { source: "pinned", image_id: "ami-0123456789abcdef0" }, serves: ["production"], min_size: 2, max_size: 4 },
            green: { ami: { source: "latest" }, serves: ["verification"], min_size: 1, max_size: 1 },
          }),
        ),
    });
    const synth = await synthesize({ outdir: join(dir, "out"), configPath });
    expect(synth.stderr).toBe("");
    await validate(join(dir, "out", "stacks", "web-production"));
  });
});

describe("terraform validate on a bootstrap stack (AMI_PIPELINE_BOOTSTRAP=1)", () => {
  it("synthesizes one per account (the shared account's holding the workload part too), valid Terraform, with no wildcard action", async () => {
    const dir = mkdtempSync(join(tmpdir(), "validate-bootstrap-"));
    const configPath = writeConfigCopy({
      dir,
      edit: (document) => {
        document.set(
          "bootstrap",
          document.createNode({
            plan_trusted_by: ["arn:aws:iam::123456789012:role/golden-ami-ci-plan"],
            deploy_trusted_by: ["arn:aws:iam::123456789012:role/golden-ami-ci-deploy"],
          }),
        );
        // One account playing both parts: the workloads in the shared account.
        for (const i of [0, 1]) document.setIn(["workloads", i, "account_id"], document.getIn(["shared", "account_id"]));
      },
    });
    const outdir = join(dir, "out");
    const synth = await synthesize({ outdir, configPath, env: { ...process.env, AMI_PIPELINE_BOOTSTRAP: "1" } });
    expect(synth.stderr).toBe("");
    const bootstraps = readdirSync(join(outdir, "stacks")).filter((s) => s.startsWith("bootstrap-"));
    expect(bootstraps).toEqual(["bootstrap-111122223333"]);
    expect(readFileSync(join(outdir, "stacks", bootstraps[0], "cdk.tf.json"), "utf8")).toMatch(/SharedImagesAndNotifications.*WorkloadComputeAndScaling/);
    await validate(join(outdir, "stacks", bootstraps[0]));
    const stack = readFileSync(join(outdir, "stacks", bootstraps[0], "cdk.tf.json"), "utf8");
    for (const policy of Object.values(JSON.parse(stack).resource.aws_iam_role_policy) as { policy: string }[]) {
      for (const statement of JSON.parse(policy.policy).Statement as { Action: string[] }[])
        for (const action of statement.Action) expect(action).not.toContain("*");
    }
  });
});
