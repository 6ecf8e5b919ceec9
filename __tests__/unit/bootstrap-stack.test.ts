// Bootstrap stacks: each account's CI roles as code (the shared account's and every workload
// account's), with the policies derived from the access contract (evaluated call by call in
// access-contract.test.ts).
import { join } from "node:path";
import { Testing } from "cdktf";
import { EXAMPLE_CONFIG } from "../../config/load";
import { run } from "../../lib/process";
import { ConfigError } from "../../config/problems";
import { accountRolePolicy, readAccessContract, sharedRolePolicy, workloadRolePolicy } from "../../access/role-policies";
import { addStacks } from "../../stacks";
import { exampleRaw, load, problemsOf, RawConfig, resourcesOf } from "../helpers/example";
import { decide } from "../helpers/iam";

const CI_PLAN = "arn:aws:iam::123456789012:role/golden-ami-ci-plan";
const CI_DEPLOY = "arn:aws:iam::123456789012:role/golden-ami-ci-deploy-production";
const contract = readAccessContract();

function withBootstrap(): RawConfig {
  const raw = exampleRaw();
  raw.bootstrap = { plan_trusted_by: [CI_PLAN], deploy_trusted_by: [CI_DEPLOY] };
  return raw;
}

describe("bootstrap stacks", () => {
  const app = Testing.app();
  const { bootstraps } = addStacks(app, load(withBootstrap()), { bootstrap: { contract } });
  const synthesized = Testing.synth(bootstraps.find((b) => b.node.id === "bootstrap-444455556666")!);
  const roles = resourcesOf(synthesized, "aws_iam_role");
  const policies = resourcesOf(synthesized, "aws_iam_role_policy");

  it("one per account (the shared account's, each workload account's), acting in that account only and assuming no role", () => {
    expect(bootstraps.map((s) => s.node.id)).toEqual(["bootstrap-111122223333", "bootstrap-444455556666"]);
    const [provider] = JSON.parse(synthesized).provider.aws;
    expect(provider.allowed_account_ids).toEqual(["444455556666"]);
    expect(provider.assume_role).toBeUndefined();
  });

  it("makes the plan and deploy roles, each trusted by its CI principals only", () => {
    const trust = Object.fromEntries(roles.map((r) => [r.name, JSON.parse(r.assume_role_policy as string).Statement]));
    expect(trust).toEqual({
      "golden-ami-plan": [{ Effect: "Allow", Principal: { AWS: [CI_PLAN] }, Action: "sts:AssumeRole" }],
      "golden-ami-deploy": [{ Effect: "Allow", Principal: { AWS: [CI_DEPLOY] }, Action: "sts:AssumeRole" }],
    });
  });

  // The trust policies, evaluated: each CI principal may assume its own role in the account, nothing else.
  it.each([
    [CI_PLAN, "golden-ami-plan", "Allowed"],
    [CI_DEPLOY, "golden-ami-deploy", "Allowed"],
    [CI_PLAN, "golden-ami-deploy", "denied"],
    [CI_DEPLOY, "golden-ami-plan", "denied"],
    ["arn:aws:iam::123456789012:role/someone-else", "golden-ami-deploy", "denied"],
    ["arn:aws:iam::999999999999:role/golden-ami-ci-deploy-production", "golden-ami-deploy", "denied"],
  ])("%s assuming %s: %s", async (principal, roleName, expected) => {
    const trust = JSON.parse(roles.find((r) => r.name === roleName)!.assume_role_policy as string);
    const { decision } = await decide(
      { principal, action: "sts:AssumeRole", resource: `arn:aws:iam::444455556666:role/${roleName}`, resourceAccount: "444455556666" },
      {
        resourcePolicy: trust,
        identityPolicies: [{ name: "ci", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] } }],
      },
    );
    expect(expected === "Allowed" ? decision : decision === "Allowed" ? "Allowed" : "denied").toBe(expected);
  });

  it("gives each role exactly the policy derived from the contract, and no managed policy", () => {
    const account = { accountId: "444455556666", sharedAccountId: "111122223333", partition: "aws" };
    // Each policy is attached to its role by the role's Terraform id (PlanRole, DeployRole).
    const byRole = Object.fromEntries(policies.map((p) => [/PlanRole/.test(String(p.role)) ? "plan" : "deploy", JSON.parse(p.policy as string)]));
    expect(byRole).toEqual({ plan: workloadRolePolicy(contract, "plan", account), deploy: workloadRolePolicy(contract, "deploy", account) });
    expect(resourcesOf(synthesized, "aws_iam_role_policy_attachment")).toEqual([]);
    expect(synthesized).not.toMatch(/ReadOnlyAccess|AdministratorAccess/);
  });

  it("gives the shared account's roles the shared stack's policy: Image Builder, its project roles, its keys", () => {
    const shared = Testing.synth(bootstraps.find((b) => b.node.id === "bootstrap-111122223333")!);
    expect(JSON.parse(shared).provider.aws[0].allowed_account_ids).toEqual(["111122223333"]);
    const byRole = Object.fromEntries(
      resourcesOf(shared, "aws_iam_role_policy").map((p) => [/PlanRole/.test(String(p.role)) ? "plan" : "deploy", JSON.parse(p.policy as string)]),
    );
    const account = { accountId: "111122223333", partition: "aws" };
    expect(byRole).toEqual({ plan: sharedRolePolicy(contract, "plan", account), deploy: sharedRolePolicy(contract, "deploy", account) });
    expect(JSON.stringify(byRole.deploy)).toContain("imagebuilder:CreateImagePipeline");
    expect(JSON.stringify(byRole.plan)).not.toContain("imagebuilder:Create");
  });

  it("merges both parts when workloads run in the shared account, within IAM's 10,240-character inline limit", () => {
    const raw = withBootstrap();
    for (const workload of raw.workloads) workload.account_id = "111122223333";
    const { bootstraps: one } = addStacks(Testing.app(), load(raw), { bootstrap: { contract } });
    expect(one.map((b) => b.node.id)).toEqual(["bootstrap-111122223333"]);
    const deploy = accountRolePolicy(contract, "deploy", {
      shared: { accountId: "111122223333", partition: "aws" },
      workload: { accountId: "111122223333", sharedAccountId: "111122223333", partition: "aws" },
    });
    const sids = deploy.Statement.map((statement: { Sid: string }) => statement.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids).toEqual(expect.arrayContaining(["SharedImagesAndNotifications", "WorkloadComputeAndScaling"]));
    for (const purpose of ["plan", "deploy"] as const) {
      const policy = resourcesOf(Testing.synth(one[0]), "aws_iam_role_policy").find((p) => (purpose === "plan") === /PlanRole/.test(String(p.role)))!;
      expect(JSON.stringify(JSON.parse(policy.policy as string)).length).toBeLessThanOrEqual(10_240);
    }
  });

  it("golden-ami access-policy prints, per account, the policies the bootstrap stacks attach", async () => {
    const result = await run(process.execPath, [join(__dirname, "..", "..", "bin", "golden-ami.js"), "access-policy", "--config", EXAMPLE_CONFIG]);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(printed)).toEqual(["111122223333", "444455556666"]);
    expect(printed["111122223333"].deploy).toEqual(sharedRolePolicy(contract, "deploy", { accountId: "111122223333", partition: "aws" }));
    expect(printed["444455556666"].plan).toEqual(
      workloadRolePolicy(contract, "plan", { accountId: "444455556666", sharedAccountId: "111122223333", partition: "aws" }),
    );
  }, 60_000);

  it("uses the ci_roles names when the configuration sets them", () => {
    const raw = withBootstrap();
    raw.ci_roles = { plan_role_name: "ami-plan", deploy_role_name: "ami-deploy" };
    const { bootstraps: named } = addStacks(Testing.app(), load(raw), { bootstrap: { contract } });
    expect(
      resourcesOf(Testing.synth(named[0]), "aws_iam_role")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["ami-deploy", "ami-plan"]);
  });

  it("are not made unless asked for (CI never asks)", () => {
    expect(addStacks(Testing.app(), load(withBootstrap())).bootstraps).toEqual([]);
  });

  it("throws naming the bootstrap section when asked for without it", () => {
    expect(() => addStacks(Testing.app(), load(exampleRaw()), { bootstrap: { contract } })).toThrow(ConfigError);
    expect(() => addStacks(Testing.app(), load(exampleRaw()), { bootstrap: { contract } })).toThrow(/bootstrap: is missing; AMI_PIPELINE_BOOTSTRAP=1 needs it/);
  });

  it("refuses a workload named like a bootstrap stack", () => {
    const raw = exampleRaw();
    raw.workloads[0].name = "bootstrap-1";
    expect(problemsOf(raw)).toContainEqual(
      expect.objectContaining({ path: "workloads[0].name", message: expect.stringContaining('does not start with "bootstrap-"') }),
    );
  });
});
