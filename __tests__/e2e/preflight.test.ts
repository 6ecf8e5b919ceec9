import { CreateServiceLinkedRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { join } from "node:path";
import { run } from "../../lib/process";
import { Scenario, scenarioSteps, startScenario, SHARED_ACCOUNT } from "./helpers";

// golden-ami preflight against the emulator, as far as it answers: the shared key is found and its
// grants listed from the workload region; the missing Auto Scaling service-linked role is reported,
// and is no longer once it exists. (Assuming roles and AWS's policy simulator: __tests__/unit/preflight.test.ts.)
jest.setTimeout(300_000);

const ROOT = join(__dirname, "..", "..");
let scenario: Scenario;

beforeAll(async () => {
  scenario = await startScenario({ prefix: "preflight" });
});
const step = scenarioSteps(() => scenario?.emulator);

const preflight = () =>
  run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "preflight", "--config", scenario.configPath], { cwd: ROOT, env: scenario.env });

describe("golden-ami preflight on the emulator", () => {
  step("reports the missing Auto Scaling service-linked role, one line with what to do, exit 1", async () => {
    const result = await preflight();
    expect(result.stdout.trim()).toBe(
      `account ${SHARED_ACCOUNT}: AWSServiceRoleForAutoScaling does not exist: the KMS grant that names it would fail. Fix: set auto_scaling.service_linked_role: create on one workload of account ${SHARED_ACCOUNT} (web-staging, web-production)`,
    );
    expect(result.code).toBe(1);
  });

  step("passes once the role exists (the shared key answered DescribeKey and ListGrants all along)", async () => {
    await new IAMClient(scenario.emulator.clientConfig()).send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "autoscaling.amazonaws.com" }));
    const result = await preflight();
    expect(result.stdout).toBe("");
    expect(result.stderr.trim()).toMatch(/^preflight: \d+ checks passed$/);
    expect(result.code).toBe(0);
  });
});
