import { existsSync } from "node:fs";

/**
 * The filesystem mirror `terraform init` installs the AWS provider from when it exists (offline
 * machines; the README documents it); TF_PLUGIN_MIRROR overrides it. Product behaviour: it lives here.
 */
const DEFAULT_PLUGIN_MIRROR = "/opt/tf-plugins";

/**
 * Go's garbage collector target for Terraform and its providers (both Go programs; providers inherit
 * Terraform's environment). A plan is a short-lived process that builds the AWS provider's whole
 * schema, so at Go's default (100) much of its CPU goes to collecting. At 400 a no-change workload plan
 * takes ~20% less CPU for ~190 MiB more private memory (307 -> 500 MiB per plan; bench/RESULTS.md), the
 * better trade on CI runners, where plans run as many at once as there are cores. A GOGC set by the
 * caller wins.
 */
export const TERRAFORM_GOGC = "400";

/**
 * Environment for Terraform and the cdktf CLI run by golden-ami, tools and tests: no update checks, no
 * prompts, providers from the local mirror when there is one (offline machines), the GC target above,
 * everything else inherited.
 */
export function terraformEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    CDKTF_DISABLE_TELEMETRY: "true",
    FORCE_COLOR: "0",
    GOGC: base.GOGC || TERRAFORM_GOGC,
  };
  const mirror = base.TF_PLUGIN_MIRROR ?? DEFAULT_PLUGIN_MIRROR;
  if (!base.TF_CLI_ARGS_init && existsSync(mirror)) env.TF_CLI_ARGS_init = `-plugin-dir=${mirror}`;
  // A CLI configuration that names a missing file only adds a warning to every command.
  if (base.TF_CLI_CONFIG_FILE && !existsSync(base.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
  return env;
}
