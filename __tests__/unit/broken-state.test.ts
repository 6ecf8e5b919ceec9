// A corrupt, empty or foreign state file is a named problem of that workload, never an exception that
// stops the whole command, and never "no state". Real CLI processes; AWS answered by a local endpoint.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goldenAmiInProcess } from "../helpers/in-process-cli";
import { writeExampleConfig } from "../helpers/example";
import { RecordingAws, startRecordingAws } from "../helpers/recording-aws";

// Real CLI processes (synth, terraform init for orphans): slower than 5 s on a loaded runner.
jest.setTimeout(60_000);
let aws: RecordingAws;

beforeAll(async () => {
  aws = await startRecordingAws();
});
afterAll(() => aws?.stop());

/** A configuration directory whose local states are `states` (web-staging, web-production). */
function withStates(states: Record<string, string>): { dir: string; configPath: string } {
  const dir = mkdtempSync(join(tmpdir(), "broken-state-"));
  const configPath = writeExampleConfig(dir);
  for (const [stack, text] of Object.entries(states)) writeFileSync(join(dir, `terraform.${stack}.tfstate`), text);
  return { dir, configPath };
}

const goldenAmi = (dir: string, ...args: string[]) => goldenAmiInProcess([...args], { env: { ...aws.env(), AMI_PIPELINE_STATE_DIR: dir } });

const GOOD = JSON.stringify({
  version: 4,
  outputs: { ami_id: { value: "ami-0123456789abcdef0" } },
  resources: [{ mode: "managed", type: "aws_launch_template", name: "LaunchTemplate", instances: [{ attributes: {} }] }],
});
/** What a stack's state is after its destroy plan was applied. */
const DESTROYED = JSON.stringify({ version: 4, outputs: {}, resources: [] });

describe("fleet: one row per workload, broken states marked with the file and the reason", () => {
  it.each([
    ["a truncated", '{"version": 4, "outp', "the state is not JSON, truncated or corrupt"],
    ["a null", "null", "not a Terraform state (expected an object with a version, got null)"],
    ["an empty", "", "the state is empty (0 bytes or blank)"],
    ["an array as", "[]", "not a Terraform state (expected an object with a version, got an array)"],
  ])("%s state: its row says why, the other workload is listed, exit 1", async (_, text, reason) => {
    const { dir, configPath } = withStates({ "web-staging": text, "web-production": GOOD });
    const result = await goldenAmi(dir, "fleet", "--json", "--config", configPath);
    expect(result.code).toBe(1);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => r.workload).sort()).toEqual(["web-production", "web-staging"]);
    expect(rows.find((r) => r.workload === "web-staging")?.stateError).toContain(`${join(dir, "terraform.web-staging.tfstate")}: ${reason}`);
    expect(rows.find((r) => r.workload === "web-production")).toMatchObject({ runningAmi: "ami-0123456789abcdef0" });
    expect(result.stderr.trim()).toBe("golden-ami: the state of web-staging could not be read (see the rows above)");
  });

  it("the table marks the broken row STATE UNREADABLE with the file", async () => {
    const { dir, configPath } = withStates({ "web-staging": "{", "web-production": GOOD });
    const result = await goldenAmi(dir, "fleet", "--config", configPath);
    expect(result.stdout).toMatch(new RegExp(`^web-staging .*STATE UNREADABLE: ${join(dir, "terraform.web-staging.tfstate")}: the state is not JSON`, "m"));
  });
});

describe("promote and orphans name the broken state", () => {
  it("promote from an environment whose state is truncated is refused, naming the file", async () => {
    const { dir, configPath } = withStates({ "web-staging": '{"version": 4, "outp' });
    const result = await goldenAmi(dir, "promote", "--image", "sample", "--from", "staging", "--to", "candidate", "--config", configPath);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      new RegExp(`^golden-ami: promotion refused: web-staging \\(staging\\): ${join(dir, "terraform.web-staging.tfstate")}: the state is not JSON`),
    );
  });

  it("orphans with a corrupt state: that stack is named with Terraform's reason, without terminal colour codes", async () => {
    const { dir, configPath } = withStates({ "web-staging": '{"version": 4, "terraform_ver' });
    const result = await goldenAmi(dir, "orphans", "web-staging", "--config", configPath, "--outdir", join(dir, "out"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("golden-ami: could not check 1 stack(s):\n  web-staging: ");
    expect(result.stderr).toContain("Unsupported state file format");
    expect(result.stderr).not.toContain("\u001b[");
  });
});

describe("fleet lists state that no configuration entry names", () => {
  it("a workload removed from the configuration still runs: its state is a row, marked, exit 0", async () => {
    const { dir, configPath } = withStates({ "web-staging": GOOD, "web-retired": GOOD, shared: GOOD, "bootstrap-444455556666": GOOD });
    const result = await goldenAmi(dir, "fleet", "--json", "--config", configPath);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => r.workload)).toEqual(["web-staging", "web-production", "web-retired"]);
    expect(rows.find((r) => r.workload === "web-retired")).toMatchObject({ unconfigured: true, note: expect.stringContaining("STATE WITHOUT CONFIGURATION") });
    const table = await goldenAmi(dir, "fleet", "--config", configPath);
    expect(table.stdout).toMatch(/^web-retired .*STATE WITHOUT CONFIGURATION/m);
  });

  it("an empty state (its stack destroyed) is named as such, not as running resources", async () => {
    const { dir, configPath } = withStates({ "web-gone": DESTROYED });
    const rows = JSON.parse((await goldenAmi(dir, "fleet", "--json", "--config", configPath)).stdout) as Record<string, unknown>[];
    expect(rows.find((r) => r.workload === "web-gone")).toMatchObject({
      unconfigured: true,
      note: expect.stringMatching(/^empty state without configuration \(destroyed\)/),
    });
  });

  it("a retired workload: still running until its destroy plan is applied, then named for removal", async () => {
    const retire = (document: { setIn(path: unknown[], value: unknown): void }) => document.setIn(["workloads", 1, "retired"], true);
    const running = mkdtempSync(join(tmpdir(), "broken-state-"));
    writeFileSync(join(running, "terraform.web-production.tfstate"), GOOD);
    const before = await goldenAmi(running, "fleet", "--json", "--config", writeExampleConfig(running, retire));
    expect((JSON.parse(before.stdout) as Record<string, unknown>[])[1]).toMatchObject({
      workload: "web-production",
      runningAmi: "ami-0123456789abcdef0",
      note: expect.stringMatching(/^RETIRED: still running; review and apply its destroy plan/),
    });
    const gone = mkdtempSync(join(tmpdir(), "broken-state-"));
    writeFileSync(join(gone, "terraform.web-production.tfstate"), DESTROYED);
    const after = await goldenAmi(gone, "fleet", "--json", "--config", writeExampleConfig(gone, retire));
    expect((JSON.parse(after.stdout) as Record<string, unknown>[])[1]).toMatchObject({
      workload: "web-production",
      note: expect.stringMatching(/^retired and destroyed/),
    });
  });
});
