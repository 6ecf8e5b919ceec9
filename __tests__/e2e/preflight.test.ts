import { CreateServiceLinkedRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { join } from "node:path";
import { run } from "../../lib/process";
import { Scenario, scenarioSteps, startScenario, WORKLOAD_ACCOUNT } from "./helpers";

// golden-ami preflight against the emulated organization, as the CI's plan role: each account's plan
// role is assumed, the shared key is found and its grants listed from the workload account; the
// missing Auto Scaling service-linked role is reported, and is no longer once it exists. (AWS's
// policy simulator: __tests__/unit/preflight.test.ts.)
jest.setTimeout(300_000);

const ROOT = join(__dirname, "..", "..");
let scenario: Scenario;

beforeAll(async () => {
  scenario = await startScenario({ prefix: "preflight" });
});
const step = scenarioSteps(() => scenario?.emulator);

const preflight = () =>
  run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "preflight", "--config", scenario.configPath], { cwd: ROOT, env: scenario.planEnv });

describe("golden-ami preflight on the emulator", () => {
  step("reports the missing Auto Scaling service-linked role, one line with what to do, exit 1", async () => {
    const result = await preflight();
    expect(result.stdout.trim()).toBe(
      `account ${WORKLOAD_ACCOUNT}: AWSServiceRoleForAutoScaling does not exist: the KMS grant that names it would fail. Fix: set auto_scaling.service_linked_role: create on one workload of account ${WORKLOAD_ACCOUNT} (web-staging, web-production)`,
    );
    expect(result.code).toBe(1);
  });

  step("passes once the role exists (the shared key answered DescribeKey and ListGrants all along)", async () => {
    const admin = await scenario.adminOf(WORKLOAD_ACCOUNT);
    await new IAMClient(scenario.emulator.clientConfig({ credentials: admin })).send(
      new CreateServiceLinkedRoleCommand({ AWSServiceName: "autoscaling.amazonaws.com" }),
    );
    const result = await preflight();
    expect(result.stdout).toBe("");
    expect(result.stderr.trim()).toMatch(/^preflight: \d+ checks passed$/);
    expect(result.code).toBe(0);
  });
});
