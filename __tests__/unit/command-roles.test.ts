// Which account and role each golden-ami command that calls AWS uses, pinned per command: real CLI
// processes against a local endpoint that attributes every call to the role whose credentials signed
// it. With the ci_roles convention, reads use the plan role of the account they read, and only
// `revoke --deprecate/--disable` (a change to the shared account) uses a deploy role.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goldenAmiInProcess } from "../helpers/in-process-cli";
import { writeExampleConfig } from "../helpers/example";
import { RecordingAws, startRecordingAws } from "../helpers/recording-aws";

// Real CLI processes (synth, terraform init for orphans): slower than 5 s on a loaded runner.
jest.setTimeout(60_000);
const SHARED = "111122223333";
const WORKLOAD = "444455556666";
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

let aws: RecordingAws;
let dir: string;
let configPath: string;

beforeAll(async () => {
  aws = await startRecordingAws();
  dir = mkdtempSync(join(tmpdir(), "command-roles-"));
  configPath = writeExampleConfig(dir, (document) => document.set("ci_roles", document.createNode({})));
  // A state for web-staging: it runs an AMI on a launch template (what fleet and promote read).
  const outputs = {
    ami_id: { value: "ami-0123456789abcdef0" },
    ami_name: { value: "sample_v1_2026-01-01T00-00-00.000Z" },
    launch_template_id: { value: "lt-0123456789abcdef0" },
    auto_scaling_group_name: { value: "web-staging" },
  };
  writeFileSync(join(dir, "terraform.web-staging.tfstate"), JSON.stringify({ version: 4, outputs }));
});

afterAll(() => aws?.stop());

async function goldenAmi(...args: string[]) {
  aws.calls.length = 0;
  const result = await goldenAmiInProcess([...args, "--config", configPath], { env: aws.env() });
  return { ...result, calls: [...aws.calls] };
}

/** "<service>:<action> as <identity>" for every call but AssumeRole, deduplicated. */
const signedCalls = (calls: ReadonlyArray<{ service: string; action: string; identity: string }>) => [
  ...new Set(calls.filter((c) => c.action !== "AssumeRole").map((c) => `${c.service}:${c.action} as ${c.identity}`)),
];

describe("the role each command assumes (ci_roles convention)", () => {
  it("fleet lists images in the shared account with its plan role, and nothing else", async () => {
    const result = await goldenAmi("fleet", "--json", "--state-dir", dir);
    expect(result.code).toBe(0);
    expect(signedCalls(result.calls)).toEqual([`ec2:DescribeImages as ${role(SHARED, "golden-ami-plan")}`]);
    expect(result.calls.filter((c) => c.action === "AssumeRole").map((c) => c.sessionName)).toEqual(["golden-ami-fleet"]);
  });

  it("promote reads the AMI with the shared plan role in the workload's region, its launch template and refreshes with the workload's plan role", async () => {
    aws.images = [{ id: "ami-0123456789abcdef0", name: "sample_v1_2026-01-01T00-00-00.000Z" }];
    const result = await goldenAmi("promote", "--image", "sample", "--from", "staging", "--to", "candidate", "--soak-hours", "0", "--state-dir", dir);
    expect(result.code).toBe(0);
    expect(signedCalls(result.calls)).toEqual([
      `ec2:DescribeImages as ${role(SHARED, "golden-ami-plan")}`,
      `ec2:DescribeLaunchTemplateVersions as ${role(WORKLOAD, "golden-ami-plan")}`,
      `autoscaling:DescribeInstanceRefreshes as ${role(WORKLOAD, "golden-ami-plan")}`,
    ]);
  });

  it("revoke without a change to AWS reads the AMI with the shared plan role", async () => {
    aws.images = [{ id: "ami-0123456789abcdef0", name: "sample_v1_2026-01-01T00-00-00.000Z" }];
    const result = await goldenAmi("revoke", "ami-0123456789abcdef0", "--reason", "CVE-2026-0001 in openssl");
    expect(result.code).toBe(0);
    expect(signedCalls(result.calls)).toEqual([`ec2:DescribeImages as ${role(SHARED, "golden-ami-plan")}`]);
  });

  it("revoke --deprecate and --disable find every copy and change the shared account with its deploy role", async () => {
    aws.images = [{ id: "ami-0123456789abcdef1", name: "sample_v2_2026-01-01T00-00-00.000Z" }];
    const result = await goldenAmi("revoke", "ami-0123456789abcdef1", "--reason", "CVE-2026-0001 in openssl", "--deprecate", "--disable");
    expect(result.code).toBe(0);
    expect(signedCalls(result.calls)).toEqual([
      `ec2:DescribeImages as ${role(SHARED, "golden-ami-deploy")}`,
      `ec2:EnableImageDeprecation as ${role(SHARED, "golden-ami-deploy")}`,
      `ec2:DisableImage as ${role(SHARED, "golden-ami-deploy")}`,
    ]);
    expect(result.stderr).toContain("DISABLED ami-0123456789abcdef1 in ap-northeast-1: no account can launch them now.");
  });

  it("orphans lists a workload's tagged resources in its own account with its plan role, not its deploy role", async () => {
    const result = await goldenAmi("orphans", "web-staging", "--outdir", join(dir, "out"));
    expect(result.stderr).toContain("No orphans");
    expect(result.code).toBe(0);
    expect(signedCalls(result.calls).sort()).toEqual(
      [
        `autoscaling:DescribeAutoScalingGroups as ${role(WORKLOAD, "golden-ami-plan")}`,
        `ec2:DescribeLaunchTemplates as ${role(WORKLOAD, "golden-ami-plan")}`,
        `ec2:DescribeSecurityGroups as ${role(WORKLOAD, "golden-ami-plan")}`,
      ].sort(),
    );
  });

  it("no command signs a call with the environment's own credentials when roles are configured", async () => {
    const result = await goldenAmi("fleet", "--state-dir", dir);
    expect(result.calls.filter((c) => c.action !== "AssumeRole" && c.identity === "environment")).toEqual([]);
  });
});

describe("fleet with S3 state", () => {
  it("reads and lists state with the state reader role, and lists state no configuration names", async () => {
    const s3Dir = mkdtempSync(join(tmpdir(), "fleet-s3-"));
    const s3Config = writeExampleConfig(s3Dir, (document) => {
      document.set("ci_roles", document.createNode({}));
      document.set("state", document.createNode({ bucket: "tf-state", region: "ap-northeast-1", plan_role_arn: role(SHARED, "golden-ami-state-reader") }));
    });
    const good = JSON.stringify({ version: 4, outputs: { ami_id: { value: "ami-0123456789abcdef0" } } });
    aws.s3Objects.set("tf-state/golden-ami/web-staging.tfstate", good);
    aws.s3Objects.set("tf-state/golden-ami/web-old.tfstate", good);
    aws.s3Objects.set("tf-state/golden-ami/web-staging.tfstate.tflock", "lock");
    aws.calls.length = 0;
    const result = await goldenAmiInProcess(["fleet", "--json", "--config", s3Config], { env: aws.env() });
    expect(result.stderr).toBe("");
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => [r.workload, r.runningAmi ?? null, r.unconfigured ?? false])).toEqual([
      ["web-staging", "ami-0123456789abcdef0", false],
      ["web-production", null, false],
      ["web-old", null, true],
    ]);
    const s3Calls = aws.calls.filter((c) => c.service === "s3");
    expect(s3Calls.length).toBeGreaterThan(0);
    expect(new Set(s3Calls.map((c) => c.identity))).toEqual(new Set([role(SHARED, "golden-ami-state-reader")]));
  });
});
