import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../lib/process";
import { LOCK_FILE_NAME, PROVIDER_LOCK } from "../../lib/provider-lock";
import { synthesize } from "../../lib/synth";
import { terraformEnv } from "../../lib/terraform-env";

// The reviewed provider lock (.terraform.lock.hcl at the root) is in every synthesized stack, and init
// verifies the provider package against it: the real terraform binary and the offline mirror's package.
jest.setTimeout(180_000);

const init = (cwd: string) => run("terraform", ["init", "-backend=false", "-input=false", "-no-color", "-lockfile=readonly"], { cwd, env: terraformEnv() });

describe("the reviewed provider lock", () => {
  const outdir = mkdtempSync(join(tmpdir(), "lock-"));
  beforeAll(async () => {
    const synth = await synthesize({ outdir });
    expect(synth.stderr).toBe("");
  });

  it("is copied, unchanged, into every synthesized stack", () => {
    const stacks = readdirSync(join(outdir, "stacks"));
    expect(stacks.length).toBeGreaterThan(1);
    for (const stack of stacks) expect(readFileSync(join(outdir, "stacks", stack, LOCK_FILE_NAME), "utf8")).toBe(readFileSync(PROVIDER_LOCK, "utf8"));
  });

  it("pins the provider version the stacks require, with the registry's zh: hash for each of its 15 platforms", () => {
    const lock = readFileSync(PROVIDER_LOCK, "utf8");
    const required = JSON.parse(readFileSync(join(outdir, "stacks", "shared", "cdk.tf.json"), "utf8")).terraform.required_providers.aws.version;
    expect(lock).toContain(`version     = "${required}"`);
    expect(lock.match(/"zh:[0-9a-f]{64}"/g)).toHaveLength(15);
  });

  it("lets init install the provider package whose checksum it lists, without rewriting it", async () => {
    const dir = join(outdir, "stacks", "web-staging");
    const result = await init(dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, LOCK_FILE_NAME), "utf8")).toBe(readFileSync(PROVIDER_LOCK, "utf8"));
  });

  it("makes init refuse a provider package whose checksum it does not list", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lock-tampered-"));
    cpSync(join(outdir, "stacks", "web-production"), dir, { recursive: true });
    const tampered = readFileSync(PROVIDER_LOCK, "utf8").replace(/"h1:[^"]+"/, '"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="');
    writeFileSync(join(dir, LOCK_FILE_NAME), tampered);
    const result = await init(dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr.replace(/\s+/g, " ")).toMatch(/doesn't match any of the checksums previously recorded in the dependency lock file/);
  });
});
