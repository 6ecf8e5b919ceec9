// A saved plan is applied only by the stack it was made for (lib/saved-plan.ts). The real plans are
// exercised end to end in __tests__/e2e/reviewed-plan.test.ts; here each refusal has its own case, on
// zips laid out as Terraform lays out a saved plan (tfplan, tfstate, tfconfig/m-/cdk.tf.json).
import AdmZip from "adm-zip";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSavedPlan } from "../../lib/saved-plan";
import { run } from "../../lib/process";

// Real CLI processes (synth, terraform init for orphans): slower than 5 s on a loaded runner.
jest.setTimeout(60_000);
const ROOT = join(__dirname, "..", "..");

function stackJson(stack: string, state = `/state/terraform.${stack}.tfstate`, account = "444455556666"): string {
  return JSON.stringify(
    {
      "//": { metadata: { backend: "local", stackName: stack, version: "0.21.0" } },
      provider: { aws: [{ allowed_account_ids: [account], region: "ap-northeast-1" }] },
      terraform: { backend: { local: { path: state } } },
    },
    null,
    2,
  );
}

function savedPlan(configuration: string | undefined): Buffer {
  const zip = new AdmZip();
  zip.addFile("tfplan", Buffer.from([0x0a, 0x00]));
  zip.addFile("tfstate", Buffer.from("{}"));
  if (configuration !== undefined) zip.addFile("tfconfig/m-/cdk.tf.json", Buffer.from(configuration));
  return zip.toBuffer();
}

/** A stack directory: its synthesized cdk.tf.json and, unless null, a saved plan. */
function stackDir(stack: string, plan: Buffer | null, synthesized = stackJson(stack)): string {
  const dir = join(mkdtempSync(join(tmpdir(), "saved-plan-")), "stacks", stack);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "cdk.tf.json"), synthesized);
  if (plan) writeFileSync(join(dir, "plan"), plan);
  return dir;
}

describe("checkSavedPlan", () => {
  it("accepts the stack's own plan, made from the configuration in its directory", () => {
    expect(() => checkSavedPlan("web-production", stackDir("web-production", savedPlan(stackJson("web-production"))))).not.toThrow();
  });

  it("accepts S3 state keyed <prefix>/<stack>.tfstate", () => {
    const json = JSON.stringify({
      "//": { metadata: { stackName: "shared" } },
      terraform: { backend: { s3: { bucket: "b", key: "golden-ami/shared.tfstate" } } },
    });
    expect(() => checkSavedPlan("shared", stackDir("shared", savedPlan(json), json))).not.toThrow();
  });

  it("throws when another stack's plan was copied in: it names the stack the plan was made for", () => {
    const dir = stackDir("web-production", savedPlan(stackJson("web-staging")));
    expect(() => checkSavedPlan("web-production", dir)).toThrow('web-production: the saved plan was made for stack "web-staging", not for web-production');
  });

  it("throws when the plan's backend writes another stack's state", () => {
    const dir = stackDir("web-production", savedPlan(stackJson("web-production", "/state/terraform.web-staging.tfstate")));
    expect(() => checkSavedPlan("web-production", dir)).toThrow(
      `web-production: the saved plan writes state "/state/terraform.web-staging.tfstate", which is not web-production's state`,
    );
  });

  it("throws when the plan was made from another configuration (another provider account)", () => {
    const dir = stackDir("web-production", savedPlan(stackJson("web-production", undefined, "999999999999")));
    expect(() => checkSavedPlan("web-production", dir)).toThrow("web-production: the saved plan was made from another configuration than");
  });

  it.each([
    ["empty", Buffer.alloc(0)],
    ["truncated", savedPlan(stackJson("web-production")).subarray(0, 40)],
    ["text", Buffer.from("not a plan at all")],
  ])("throws when the plan file is %s: not a saved plan", (_, bytes) => {
    expect(() => checkSavedPlan("web-production", stackDir("web-production", bytes))).toThrow(
      /web-production: .*(is not a Terraform saved plan|holds no tfconfig)/,
    );
  });

  it("throws when the zip holds no cdktf configuration", () => {
    expect(() => checkSavedPlan("web-production", stackDir("web-production", savedPlan(undefined)))).toThrow("holds no tfconfig/m-/cdk.tf.json");
  });

  it("throws when the stack's plan failed, even where Terraform left a plan file", () => {
    const dir = stackDir("web-production", savedPlan(stackJson("web-production")));
    writeFileSync(join(dir, "plan-error.txt"), "terraform plan failed:\nError: ...");
    expect(() => checkSavedPlan("web-production", dir)).toThrow("web-production: its plan failed (plan-error.txt); plan it again");
  });

  it("throws when there is no saved plan", () => {
    expect(() => checkSavedPlan("web-production", stackDir("web-production", null))).toThrow("web-production: no saved plan; run `golden-ami plan` first");
  });
});

describe("golden-ami apply refuses before applying anything", () => {
  it("with no names, a failed plan beside good ones: exit 1, every refusal named, nothing applied", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "apply-refused-"));
    const stacks = { "web-staging": "stacks/web-staging", "web-production": "stacks/web-production" };
    writeFileSync(
      join(outdir, "manifest.json"),
      JSON.stringify({ stacks: Object.fromEntries(Object.entries(stacks).map(([name, dir]) => [name, { name, workingDirectory: dir }])) }),
    );
    for (const name of Object.keys(stacks)) {
      mkdirSync(join(outdir, "stacks", name), { recursive: true });
      writeFileSync(join(outdir, "stacks", name, "cdk.tf.json"), stackJson(name));
    }
    writeFileSync(join(outdir, "stacks", "web-staging", "plan"), savedPlan(stackJson("web-staging")));
    writeFileSync(join(outdir, "stacks", "web-production", "plan-error.txt"), "terraform plan failed");
    const result = await run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "apply", "--outdir", outdir], { cwd: ROOT });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("golden-ami: nothing was applied:\n  web-production: its plan failed (plan-error.txt); plan it again");
    expect(result.stderr).not.toContain("applying the saved plan");
    expect(readFileSync(join(outdir, "stacks", "web-staging", "cdk.tf.json"), "utf8")).toBe(stackJson("web-staging"));
  });
});
