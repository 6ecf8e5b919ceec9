import { existsSync } from "node:fs";

import { DEFAULT_PLUGIN_MIRROR } from "../tools/terraform-env";

export { DEFAULT_PLUGIN_MIRROR };

/**
 * Environment for Terraform and the cdktf CLI run by tools and tests: no update checks, no prompts,
 * providers from the local mirror when there is one (offline machines), everything else inherited.
 */
export function terraformEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", CDKTF_DISABLE_TELEMETRY: "true", FORCE_COLOR: "0" };
  const mirror = base.TF_PLUGIN_MIRROR ?? DEFAULT_PLUGIN_MIRROR;
  if (!base.TF_CLI_ARGS_init && existsSync(mirror)) env.TF_CLI_ARGS_init = `-plugin-dir=${mirror}`;
  // A CLI configuration that names a missing file only adds a warning to every command.
  if (base.TF_CLI_CONFIG_FILE && !existsSync(base.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
  return env;
}
