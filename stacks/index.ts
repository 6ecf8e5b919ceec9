import { App, Aspects } from "cdktf";
import { PolicyAspect } from "../constructs/policy/policy-aspect";
import { terraformLiteral, terraformLiterals } from "../constructs/terraform-literal";
import type { LoadedConfig } from "../config/load";
import type { RolePurpose } from "../config/roles";
import { SHARED_STACK_NAME } from "../config/conventions";
import { checkNameClaims } from "./name-claims";
import { SharedImageStack } from "./shared-image-stack";
import { StateLocation } from "./stack-foundation";
import { WorkloadStack } from "./workload-stack";

export { SHARED_STACK_NAME };

export interface BuildOptions {
  /** Commit recorded on the AMIs. @default - none */
  readonly commit?: string;
  /** Local state directory when the configuration names no S3 bucket. @default - the working directory */
  readonly localStateDir?: string;
  /** Which role each provider assumes: read-only for plans, the deploy role for applies. @default "deploy" */
  readonly rolePurpose?: RolePurpose;
}

/** One shared stack, and one stack per workload (account/region/environment). */
export function addStacks(app: App, loaded: LoadedConfig, options: BuildOptions = {}) {
  // Every configuration string and component document is data for Terraform, never a template.
  const config = terraformLiterals(loaded.config);
  const components = new Map(
    [...loaded.components].map(([file, source]) => [file, { ...source, text: terraformLiteral(source.text), document: terraformLiterals(source.document) }]),
  );
  const commit = options.commit === undefined ? undefined : terraformLiteral(options.commit);
  const purpose = options.rolePurpose ?? "deploy";
  const state: StateLocation = {
    s3: config.state && { ...config.state, role_arn: purpose === "plan" ? config.state.plan_role_arn : config.state.role_arn },
    localDir: options.localStateDir,
  };
  const shared = new SharedImageStack(app, SHARED_STACK_NAME, {
    config,
    components,
    state,
    commit,
    recipeVersions: loaded.recipeVersions,
    rolePurpose: purpose,
  });
  const workloads = config.workloads.map(
    (workload) =>
      new WorkloadStack(app, workload.name, {
        config,
        workload,
        state,
        userDataTemplate: loaded.userDataTemplates.get(workload.name),
        rolePurpose: purpose,
        channels: loaded.channels,
        revocations: terraformLiterals(loaded.revocations),
      }),
  );
  checkNameClaims([
    { stack: shared, accountId: config.shared.account_id, region: config.shared.region },
    ...workloads.map((stack, i) => ({ stack, accountId: config.workloads[i].account_id, region: config.workloads[i].region })),
  ]);
  // The project's policy rules run on every stack at synth; a violation is an error naming the resource.
  for (const stack of [shared, ...workloads]) Aspects.of(stack).add(new PolicyAspect());
  return { shared, workloads };
}
