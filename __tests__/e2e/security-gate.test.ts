import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { planStack } from "../../lib/plan-stacks";

import { runOrThrow } from "../../lib/process";
import { checkovPlan, readSkips } from "../../tools/security/checkov";
import { startScenario } from "./helpers";
import { STACK_FILES } from "../../conventions/names";

// checkov (pinned, tools/security/requirements.txt) on the plan of every stack of the example,
// planned by the real Terraform and provider against the emulator.
jest.setTimeout(600_000);

let outdir: string;
let env: NodeJS.ProcessEnv;

async function plan(stack: string): Promise<string> {
  const dir = join(outdir, "stacks", stack);
  if (!(await planStack(dir, env, { showAlways: true })).ok) throw new Error(readFileSync(join(dir, STACK_FILES.planError), "utf8"));
  return join(dir, STACK_FILES.planJson);
}

beforeAll(async () => {
  // As shipped (instance refresh on): creating a group starts no refresh, so the emulator can apply it.
  const scenario = await startScenario({ prefix: "security", instanceRefresh: true });
  ({ outdir, env } = scenario);
  await scenario.build(1);
  // Production follows what staging runs, so staging must run something first.
  const staging = join(outdir, "stacks", "web-staging");
  await runOrThrow("terraform", ["init", "-input=false", "-no-color"], { cwd: staging, env });
  await runOrThrow("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd: staging, env });
});

describe("security gate", () => {
  it("lists every skipped check with a written reason", () => {
    for (const skip of readSkips()) expect(skip.reason.trim().length).toBeGreaterThan(40);
  });

  it.each(["shared", "web-staging", "web-production"])("checkov reports 0 failed checks on %s", async (stack) => {
    const result = await checkovPlan(await plan(stack));
    expect(result.failed).toEqual([]);
    expect(result.passed).toBeGreaterThan(5);
  });

  it("fails for a deliberately insecure variant (IMDSv1 on the launch template)", async () => {
    const file = join(outdir, "stacks", "web-staging", "cdk.tf.json");
    const stack = JSON.parse(readFileSync(file, "utf8"));
    for (const template of Object.values(stack.resource.aws_launch_template) as { metadata_options: { http_tokens: string } }[])
      template.metadata_options.http_tokens = "optional";
    writeFileSync(file, JSON.stringify(stack));
    const result = await checkovPlan(await plan("web-staging"));
    expect(result.failed.map((f) => f.id)).toContain("CKV_AWS_79");
  });
});
