// The AWS profiles a stack synthesized with `--profiles` names, mapped to the roles of one purpose.
// A saved plan carries its provider and backend configuration, so a plan bound to a role can only be
// applied under that role. Bound to a profile name instead, it is made under the plan roles (this
// file, written by `golden-ami plan --profiles`) and applied under the deploy roles (the same names,
// written by `golden-ami apply` from the configuration of the commit it applies). The job's own
// credentials (the environment's: OIDC in CI) are the source of every AssumeRole.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema";
import { partitionOf, RolePurpose, rolePair, RolePair, STATE_PROFILE, stackProfile } from "../config/roles";
import { SHARED_STACK_NAME } from "../conventions/names";
import { GoldenAmiError } from "../conventions/errors";

/** Each profile a synthesis in profiles mode names, with its role pair (those with no roles name none). */
function namedProfiles(config: Config): Map<string, RolePair> {
  const partition = partitionOf(config.organization.arn);
  const profiles = new Map<string, RolePair>();
  const add = (profile: string, pair: RolePair) => {
    if (pair.plan || pair.deploy) profiles.set(profile, pair);
  };
  add(stackProfile(SHARED_STACK_NAME), rolePair(config.shared, config.shared.account_id, partition, config.ci_roles, "shared"));
  config.workloads.forEach((w, i) => add(stackProfile(w.name), rolePair(w, w.account_id, partition, config.ci_roles, `workloads[${i}] (${w.name})`)));
  if (config.state) add(STATE_PROFILE, { plan: config.state.plan_role_arn, deploy: config.state.role_arn, field: "state" });
  return profiles;
}

/**
 * Where every AssumeRole of the profiles starts: the job's static credentials (GitHub's
 * configure-aws-credentials exports them), or a web identity (GitLab: AWS_ROLE_ARN and
 * AWS_WEB_IDENTITY_TOKEN_FILE), which a profile file cannot take from the environment: the AWS SDKs'
 * credential_source = Environment reads static keys only.
 */
export type CredentialSource = { readonly kind: "environment" } | { readonly kind: "web-identity"; readonly roleArn: string; readonly tokenFile: string };

/** The profile that holds a web identity source. */
const SOURCE_PROFILE = "golden-ami-source";

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function credentialSourceOf(env: NodeJS.ProcessEnv): CredentialSource {
  if (env.AWS_ACCESS_KEY_ID || !env.AWS_WEB_IDENTITY_TOKEN_FILE) return { kind: "environment" };
  const roleArn = env.AWS_ROLE_ARN ?? "";
  // Both land in the file: a value that could add a line or a section is refused.
  if (!ROLE_ARN.test(roleArn))
    throw new ProfilesRefused(`AWS_ROLE_ARN is ${JSON.stringify(roleArn)}; expected an IAM role ARN for the web identity in AWS_WEB_IDENTITY_TOKEN_FILE`);
  const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE;
  if (/[\r\n]/.test(tokenFile)) throw new ProfilesRefused(`AWS_WEB_IDENTITY_TOKEN_FILE is ${JSON.stringify(tokenFile)}; expected a file path on one line`);
  return { kind: "web-identity", roleArn, tokenFile };
}

/**
 * An AWS shared config file: each profile assumes its role for `purpose`, starting from `source`.
 * Role ARNs are validated by the configuration schema, so no value can add a line or a section.
 */
export function awsProfilesFile(config: Config, purpose: RolePurpose, source: CredentialSource = { kind: "environment" }): string {
  const from = source.kind === "environment" ? "credential_source = Environment" : `source_profile = ${SOURCE_PROFILE}`;
  const sections = [...namedProfiles(config)].map(([profile, pair]) => {
    const role = pair[purpose];
    if (!role) throw new Error(`${pair.field}: no ${purpose} role for profile ${profile} (config/roles.ts credentialsFor refuses this at synthesis)`);
    return [`[profile ${profile}]`, `role_arn = ${role}`, from, `role_session_name = ${`${profile}-${purpose}`.slice(0, 64)}`].join("\n");
  });
  if (source.kind === "web-identity") {
    sections.unshift([`[profile ${SOURCE_PROFILE}]`, `role_arn = ${source.roleArn}`, `web_identity_token_file = ${source.tokenFile}`].join("\n"));
  }
  return `# Written by golden-ami for the ${purpose} roles; do not edit or commit.\n${sections.join("\n\n")}\n`;
}

/** Where plan and apply write the file for a purpose, beside the stacks (never uploaded: only stacks/ and manifest.json are). */
function profilesFilePath(outdir: string, purpose: RolePurpose): string {
  return join(outdir, `aws-config.${purpose}`);
}

/** The profiles a synthesized stack (its cdk.tf.json) names in its providers and backend. */
export function profilesNamedBy(stackDir: string): string[] {
  const stack = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
    provider?: { aws?: Array<{ profile?: string }> };
    terraform?: { backend?: { s3?: { profile?: string } } };
  };
  const named = [...(stack.provider?.aws ?? []).map((p) => p.profile), stack.terraform?.backend?.s3?.profile];
  return [...new Set(named.filter((p): p is string => typeof p === "string"))];
}

/**
 * Writes the file for `purpose` and returns the environment that points Terraform at it. Refuses, naming
 * the stack, a profile the stacks name that this configuration does not map (planned from another
 * configuration): nothing would be applied under a role nobody chose.
 */
export function profilesEnv(config: Config, purpose: RolePurpose, outdir: string, stacks: ReadonlyArray<{ stack: string; dir: string }>): NodeJS.ProcessEnv {
  const mapped = namedProfiles(config);
  const unknown = stacks.flatMap(({ stack, dir }) =>
    profilesNamedBy(dir)
      .filter((p) => !mapped.has(p))
      .map((p) => `${stack} names profile ${p}`),
  );
  if (unknown.length > 0) {
    throw new ProfilesRefused(`${unknown.join("; ")}, which this configuration does not map to a role (planned from another configuration?); nothing was run`);
  }
  const file = profilesFilePath(outdir, purpose);
  writeFileSync(file, awsProfilesFile(config, purpose, credentialSourceOf(process.env)), { mode: 0o600 });
  return { AWS_CONFIG_FILE: file };
}

export class ProfilesRefused extends GoldenAmiError {}
