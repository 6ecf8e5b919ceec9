// Roles per purpose: plans assume read-only roles, applies the deploy roles (docs/ci-roles.md).
import { roleFor } from "../../config/roles";
import { exampleRaw, load, RawConfig } from "../helpers/example";
import { Testing } from "cdktf";
import { addStacks } from "../../stacks";

function providers(raw: RawConfig, rolePurpose: "plan" | "deploy") {
  const app = Testing.app();
  const { shared, workloads } = addStacks(app, load(raw), { rolePurpose });
  return Object.fromEntries(
    [shared, ...workloads].map((stack) => [
      stack.node.id,
      JSON.parse(Testing.synth(stack)) as {
        provider: { aws: { assume_role?: { role_arn: string }[] }[] };
        terraform: { backend?: Record<string, { assume_role?: { role_arn: string } }> };
      },
    ]),
  );
}

describe("roles per purpose", () => {
  it("a plan assumes the plan role a stack names, a deploy its deploy role", () => {
    const raw = exampleRaw();
    raw.workloads[0].role_arn = "arn:aws:iam::444455556666:role/deployer";
    raw.workloads[0].plan_role_arn = "arn:aws:iam::444455556666:role/reader";
    expect(providers(raw, "plan")["web-staging"].provider.aws[0].assume_role?.[0].role_arn).toBe("arn:aws:iam::444455556666:role/reader");
    expect(providers(raw, "deploy")["web-staging"].provider.aws[0].assume_role?.[0].role_arn).toBe("arn:aws:iam::444455556666:role/deployer");
  });

  it("never falls back from a plan to the deploy role", () => {
    const raw = exampleRaw();
    raw.workloads[0].role_arn = "arn:aws:iam::444455556666:role/deployer";
    expect(providers(raw, "plan")["web-staging"].provider.aws[0].assume_role).toBeUndefined();
  });

  it("follows the ci_roles convention in each stack's own account", () => {
    const raw = exampleRaw();
    raw.ci_roles = {};
    const plan = providers(raw, "plan");
    expect(plan.shared.provider.aws[0].assume_role?.[0].role_arn).toBe("arn:aws:iam::111122223333:role/golden-ami-plan");
    expect(plan["web-production"].provider.aws[0].assume_role?.[0].role_arn).toBe("arn:aws:iam::444455556666:role/golden-ami-plan");
    expect(providers(raw, "deploy")["web-staging"].provider.aws[0].assume_role?.[0].role_arn).toBe("arn:aws:iam::444455556666:role/golden-ami-deploy");
  });

  it("reads S3 state with the state's plan role when planning", () => {
    const raw = exampleRaw();
    raw.state = {
      bucket: "golden-ami-state",
      region: "ap-northeast-1",
      role_arn: "arn:aws:iam::111122223333:role/state-writer",
      plan_role_arn: "arn:aws:iam::111122223333:role/state-reader",
    };
    expect(providers(raw, "plan").shared.terraform.backend?.s3.assume_role?.role_arn).toBe("arn:aws:iam::111122223333:role/state-reader");
    expect(providers(raw, "deploy").shared.terraform.backend?.s3.assume_role?.role_arn).toBe("arn:aws:iam::111122223333:role/state-writer");
  });

  it("uses the partition of the organization", () => {
    expect(roleFor("plan", {}, "123456789012", "aws-us-gov", { plan_role_name: "p", deploy_role_name: "d" })).toBe("arn:aws-us-gov:iam::123456789012:role/p");
  });
});
