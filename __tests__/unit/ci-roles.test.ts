// Roles per purpose: plans assume read-only roles, applies the deploy roles (docs/ci-roles.md).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../config/problems";
import { CredentialMode, roleFor } from "../../config/roles";
import { awsProfilesFile, credentialSourceOf, profilesEnv, ProfilesRefused } from "../../lib/aws-profiles";
import { exampleRaw, load, RawConfig } from "../helpers/example";
import { Testing } from "cdktf";
import { addStacks } from "../../stacks";

function providers(raw: RawConfig, rolePurpose: CredentialMode) {
  const app = Testing.app();
  const { shared, workloads } = addStacks(app, load(raw), { credentials: rolePurpose });
  return Object.fromEntries(
    [shared, ...workloads].map((stack) => [
      stack.node.id,
      JSON.parse(Testing.synth(stack)) as {
        provider: { aws: { assume_role?: { role_arn: string }[]; profile?: string }[] };
        terraform: { backend?: Record<string, { assume_role?: { role_arn: string }; profile?: string }> };
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

describe("profiles: a plan made under the plan roles, applied under the deploy roles (docs/ci-roles.md)", () => {
  const withRoles = () => {
    const raw = exampleRaw();
    raw.ci_roles = {};
    raw.state = {
      bucket: "golden-ami-state",
      region: "ap-northeast-1",
      role_arn: "arn:aws:iam::111122223333:role/state-writer",
      plan_role_arn: "arn:aws:iam::111122223333:role/state-reader",
    };
    return raw;
  };

  it("names a profile per stack and one for the state, and assumes no role itself", () => {
    const synthesized = providers(withRoles(), "profiles");
    for (const [stack, json] of Object.entries(synthesized)) {
      for (const provider of json.provider.aws) {
        expect(provider.profile).toBe(`golden-ami-${stack}`);
        expect(provider.assume_role).toBeUndefined();
      }
      expect(json.terraform.backend?.s3).toMatchObject({ profile: "golden-ami-state" });
      expect(json.terraform.backend?.s3.assume_role).toBeUndefined();
    }
  });

  it("maps each profile to the role of the purpose, from the environment's credentials", () => {
    const { config } = load(withRoles());
    const plan = awsProfilesFile(config, "plan");
    expect(plan).toContain(
      "[profile golden-ami-web-staging]\nrole_arn = arn:aws:iam::444455556666:role/golden-ami-plan\ncredential_source = Environment\nrole_session_name = golden-ami-web-staging-plan\n",
    );
    expect(plan).toContain("[profile golden-ami-state]\nrole_arn = arn:aws:iam::111122223333:role/state-reader\n");
    expect(plan).not.toContain("deploy");
    const deploy = awsProfilesFile(config, "deploy");
    expect(deploy).toContain("[profile golden-ami-shared]\nrole_arn = arn:aws:iam::111122223333:role/golden-ami-deploy\n");
    expect(deploy).toContain("[profile golden-ami-state]\nrole_arn = arn:aws:iam::111122223333:role/state-writer\n");
  });

  it("starts from a web identity where the job has one and no static keys (GitLab), validating what it writes", () => {
    const { config } = load(withRoles());
    const gitlab = { AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/golden-ami-ci-plan", AWS_WEB_IDENTITY_TOKEN_FILE: "/tmp/web-identity-token" };
    const file = awsProfilesFile(config, "plan", credentialSourceOf(gitlab));
    expect(file).toContain(
      "[profile golden-ami-source]\nrole_arn = arn:aws:iam::111122223333:role/golden-ami-ci-plan\nweb_identity_token_file = /tmp/web-identity-token\n",
    );
    expect(file).toContain("[profile golden-ami-shared]\nrole_arn = arn:aws:iam::111122223333:role/golden-ami-plan\nsource_profile = golden-ami-source\n");
    expect(file).not.toContain("credential_source");
    expect(credentialSourceOf({ ...gitlab, AWS_ACCESS_KEY_ID: "AKIA" })).toEqual({ kind: "environment" });
    expect(() => credentialSourceOf({ ...gitlab, AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/x\n[profile golden-ami-shared]" })).toThrow(
      /AWS_ROLE_ARN is .*; expected an IAM role ARN/,
    );
    expect(() => credentialSourceOf({ ...gitlab, AWS_WEB_IDENTITY_TOKEN_FILE: "/tmp/t\nrole_arn = x" })).toThrow(/expected a file path on one line/);
  });

  it("leaves a stack with no role for either purpose on the environment's credentials", () => {
    const raw = exampleRaw();
    delete raw.ci_roles;
    const synthesized = providers(raw, "profiles");
    expect(synthesized["web-staging"].provider.aws[0].profile).toBeUndefined();
    expect(awsProfilesFile(load(raw).config, "deploy")).not.toContain("[profile");
  });

  it("refuses a stack with a role for one purpose only, naming the field and the role", () => {
    const raw = exampleRaw();
    delete raw.ci_roles;
    raw.workloads[1].plan_role_arn = "arn:aws:iam::444455556666:role/reader";
    expect(() => providers(raw, "profiles")).toThrow(ConfigError);
    expect(() => providers(raw, "profiles")).toThrow(
      "workloads[1] (web-production): names a plan role arn:aws:iam::444455556666:role/reader and no deploy role (role_arn); expected both, or neither (or ci_roles)",
    );
  });

  it("refuses to map profiles the configuration does not know (a plan synthesized from another configuration), writing nothing", () => {
    const outdir = mkdtempSync(join(tmpdir(), "profiles-"));
    const stackDir = join(outdir, "stacks", "web-other");
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify({ provider: { aws: [{ profile: "golden-ami-web-other" }] } }));
    const { config } = load(withRoles());
    expect(() => profilesEnv(config, "deploy", outdir, [{ stack: "web-other", dir: stackDir }])).toThrow(ProfilesRefused);
    expect(() => readFileSync(join(outdir, "aws-config.deploy"))).toThrow(/ENOENT/);
  });
});
