import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOrThrow } from "../../tools/process";
import { synthesize } from "../../tools/synth";
import { terraformEnv } from "../../tools/terraform-env";

// The real terraform binary and AWS provider (offline, from the provider mirror) on every stack of the example.
jest.setTimeout(180_000);

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

  it.each(["shared", "web-staging", "web-production"])("%s is valid Terraform", async (stack) => {
    const cwd = join(outdir, "stacks", stack);
    const env = terraformEnv();
    await runOrThrow("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd, env });
    const { stdout } = await runOrThrow("terraform", ["validate", "-json", "-no-color"], { cwd, env });
    const result = JSON.parse(stdout);
    expect(result.diagnostics).toEqual([]);
    expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });
});
