import { App, Aspects } from "cdktf";
import { PolicyAspect } from "../constructs";
import { terraformLiteral, terraformLiterals } from "../constructs/terraform-literal";
import type { LoadedConfig } from "../config/load";
import type { CredentialMode } from "../config/roles";
import { BOOTSTRAP_STACK_PREFIX, SHARED_STACK_NAME } from "../conventions/names";
import { ConfigError } from "../config/problems";
import { credentialsFor, partitionOf, STATE_PROFILE } from "../config/roles";
import type { Config } from "../config/schema";
import type { AccessContract } from "../access/role-policies";
import { BootstrapStack } from "./bootstrap-stack";
import { checkNameClaims } from "./name-claims";
import { SharedImageStack } from "./shared-image-stack";
import { StateLocation } from "./stack-foundation";
import { WorkloadStack } from "./workload-stack";

export interface BuildOptions {
  /** Commit recorded on the AMIs. @default - none */
  readonly commit?: string;
  /** Local state directory when the configuration names no S3 bucket. @default - the working directory */
  readonly localStateDir?: string;
  /**
   * Which role each provider and the backend assume: read-only for plans, the deploy role for
   * applies; or "profiles", names the running job maps to either (a plan made under the plan roles,
   * applied under the deploy roles). @default "deploy"
   */
  readonly credentials?: CredentialMode;
  /**
   * Add a bootstrap stack per workload account (the configuration's `bootstrap` section is required),
   * with role policies from this contract. @default - none: CI never synthesizes them
   */
  readonly bootstrap?: { readonly contract: AccessContract };
}

/** One shared stack, and one stack per workload (account/region/environment). */
export function addStacks(app: App, loaded: LoadedConfig, options: BuildOptions = {}) {
  // Every configuration string and component document is data for Terraform, never a template.
  const config = terraformLiterals(loaded.config);
  const components = new Map(
    [...loaded.components].map(([file, source]) => [file, { ...source, text: terraformLiteral(source.text), document: terraformLiterals(source.document) }]),
  );
  const commit = options.commit === undefined ? undefined : terraformLiteral(options.commit);
  const mode = options.credentials ?? "deploy";
  const state: StateLocation = {
    s3: config.state,
    credentials: config.state && credentialsFor(mode, { plan: config.state.plan_role_arn, deploy: config.state.role_arn, field: "state" }, STATE_PROFILE),
    localDir: options.localStateDir,
  };
  const shared = new SharedImageStack(app, SHARED_STACK_NAME, {
    config,
    components,
    state,
    commit,
    recipeVersions: loaded.recipeVersions,
    credentials: mode,
    retained: retainedAmis(config, terraformLiterals(loaded.channels)),
  });
  const workloads = config.workloads.map(
    (workload) =>
      new WorkloadStack(app, workload.name, {
        config,
        workload,
        state,
        userDataTemplate: loaded.userDataTemplates.get(workload.name),
        credentials: mode,
        // Channel entries are data too: an ami_name with "${…}" must not be evaluated by Terraform.
        channels: terraformLiterals(loaded.channels),
        revocations: terraformLiterals(loaded.revocations),
      }),
  );
  checkNameClaims([
    { stack: shared, accountId: config.shared.account_id, region: config.shared.region },
    ...workloads.map((stack, i) => ({ stack, accountId: config.workloads[i].account_id, region: config.workloads[i].region })),
  ]);
  const bootstraps = options.bootstrap ? addBootstrapStacks(app, config, state, options.bootstrap.contract) : [];
  // The project's policy rules run on every stack at synth; a violation is an error naming the resource.
  for (const stack of [shared, ...workloads, ...bootstraps]) Aspects.of(stack).add(new PolicyAspect());
  return { shared, workloads, bootstraps };
}

/** One bootstrap stack per account: the shared account (in its region) and each workload account (in its first workload's region). */
function addBootstrapStacks(app: App, config: Config, state: StateLocation, contract: AccessContract): BootstrapStack[] {
  const bootstrap = config.bootstrap;
  if (!bootstrap) {
    throw new ConfigError("(configuration)", [
      { path: "bootstrap", message: "is missing; AMI_PIPELINE_BOOTSTRAP=1 needs it: who may assume the plan and deploy roles" },
    ]);
  }
  const accounts = new Map<string, { region: string; shared: boolean; workloads: boolean }>([
    [config.shared.account_id, { region: config.shared.region, shared: true, workloads: false }],
  ]);
  for (const workload of config.workloads) {
    const known = accounts.get(workload.account_id);
    if (known) known.workloads = true;
    else accounts.set(workload.account_id, { region: workload.region, shared: false, workloads: true });
  }
  return [...accounts].map(
    ([accountId, { region, shared, workloads }]) =>
      new BootstrapStack(app, `${BOOTSTRAP_STACK_PREFIX}${accountId}`, {
        config,
        bootstrap,
        accountId,
        region,
        parts: { shared, workloads },
        contract,
        partition: partitionOf(config.organization.arn),
        state,
      }),
  );
}

/**
 * AMIs the lifecycle must never remove: every region's copy of what each channel serves (by build
 * name), and what workloads pin (an id names one region's copy: the workload's).
 */
function retainedAmis(config: Config, channels: LoadedConfig["channels"]) {
  const builds = Object.values(channels).flatMap((byChannel) => Object.values(byChannel).map((entry) => entry.ami_name));
  const pins = config.workloads.flatMap((w) =>
    [w.ami, w.blue_green?.blue?.ami, w.blue_green?.green?.ami].flatMap((source) =>
      source?.source === "pinned" ? [{ region: w.region, amiId: source.image_id }] : [],
    ),
  );
  return { builds, pins };
}
