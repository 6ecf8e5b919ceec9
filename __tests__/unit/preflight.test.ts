// golden-ami preflight against recorded AWS answers (a local endpoint answering as STS, IAM and KMS
// would): what only real accounts can answer, one line per problem with what to do. The emulator run
// is in __tests__/e2e/preflight.test.ts.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../lib/process";
import { writeExampleConfig } from "../helpers/example";
import { RecordingAws, startRecordingAws } from "../helpers/recording-aws";
import { readAccessContract, workloadRolePolicy } from "../../access/role-policies";
import { simulationRequests } from "../../lib/preflight";

// Real CLI processes (synth, terraform init for orphans): slower than 5 s on a loaded runner.
jest.setTimeout(60_000);
const ROOT = join(__dirname, "..", "..");
const WORKLOAD = "444455556666";
let aws: RecordingAws;
let configPath: string;

beforeAll(async () => {
  aws = await startRecordingAws();
  configPath = writeExampleConfig(mkdtempSync(join(tmpdir(), "preflight-")), (document) => document.set("ci_roles", document.createNode({})));
});
afterAll(() => aws?.stop());
beforeEach(() => {
  aws.denyAssume.clear();
  aws.missingRoles.clear();
  aws.simulatorDenies.clear();
});

const preflight = () => run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "preflight", "--config", configPath], { cwd: ROOT, env: aws.env() });

describe("golden-ami preflight", () => {
  it("passes when every role can be assumed, the simulator allows the deploy role, the key and the service-linked role are there", async () => {
    const result = await preflight();
    expect(result.stdout).toBe("");
    expect(result.stderr.trim()).toMatch(/^preflight: \d+ checks passed$/);
    expect(result.code).toBe(0);
  });

  it("asks with plan roles only, and asks the simulator about the deploy role", async () => {
    aws.calls.length = 0;
    await preflight();
    const assumed = aws.calls.filter((c) => c.action === "AssumeRole").map((c) => c.roleArn);
    expect(new Set(assumed)).toEqual(new Set([`arn:aws:iam::111122223333:role/golden-ami-plan`, `arn:aws:iam::${WORKLOAD}:role/golden-ami-plan`]));
    const simulated = aws.calls.filter((c) => c.action === "SimulatePrincipalPolicy");
    expect(simulated.length).toBeGreaterThan(1); // one simulation per scoped statement
    expect(new Set(simulated.map((c) => c.identity))).toEqual(new Set([`arn:aws:iam::${WORKLOAD}:role/golden-ami-plan`]));
  });

  it("simulates each scoped statement on a resource it scopes to, with its condition's keys (a simulation of * would deny them)", () => {
    const policy = workloadRolePolicy(readAccessContract(), "deploy", { accountId: WORKLOAD, sharedAccountId: "111122223333" });
    const requests = simulationRequests(policy, "ap-northeast-1");
    const slr = requests.find((r) => r.ActionNames.includes("iam:CreateServiceLinkedRole"));
    expect(slr).toMatchObject({
      ResourceArns: [`arn:aws:iam::${WORKLOAD}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`],
      ContextEntries: [{ ContextKeyName: "iam:AWSServiceName", ContextKeyValues: ["autoscaling.amazonaws.com"], ContextKeyType: "string" }],
    });
    const parameters = requests.find((r) => r.ActionNames.includes("ssm:GetParameter"));
    expect(parameters?.ResourceArns).toEqual([`arn:aws:ssm:ap-northeast-1:${WORKLOAD}:parameter/golden-ami/golden-ami-preflight`]);
    expect(requests.find((r) => r.ActionNames.includes("ec2:CreateLaunchTemplate"))?.ResourceArns).toBeUndefined();
    expect(requests.flatMap((r) => r.ActionNames).filter((a) => a.startsWith("kms:"))).toEqual([]);
  });

  it("a plan role that cannot be assumed: one line naming it, and that account's other checks are skipped", async () => {
    aws.denyAssume.add(`arn:aws:iam::${WORKLOAD}:role/golden-ami-plan`);
    const result = await preflight();
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^account ${WORKLOAD}: .*AccessDenied.*Fix: create arn:aws:iam::${WORKLOAD}:role/golden-ami-plan and let the CI plan role assume it`),
      ),
    ]);
    expect(result.stderr).toContain("golden-ami: 1 of");
  });

  it("a deploy role the simulator denies part of the contract: the denied actions are named", async () => {
    aws.simulatorDenies.add("ec2:CreateLaunchTemplateVersion").add("autoscaling:StartInstanceRefresh");
    const result = await preflight();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `account ${WORKLOAD}: AWS's policy simulator denies arn:aws:iam::${WORKLOAD}:role/golden-ami-deploy: autoscaling:StartInstanceRefresh (implicitDeny), ec2:CreateLaunchTemplateVersion (implicitDeny). Fix: attach the policy of \`golden-ami access-policy --role deploy\``,
    );
  });

  it("a missing Auto Scaling service-linked role where the stacks rely on it", async () => {
    aws.missingRoles.add("AWSServiceRoleForAutoScaling");
    const result = await preflight();
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe(
      `account ${WORKLOAD}: AWSServiceRoleForAutoScaling does not exist: the KMS grant that names it would fail. Fix: set auto_scaling.service_linked_role: create on one workload of account ${WORKLOAD} (web-staging, web-production)`,
    );
  });
});
