import { App } from "cdktf";
import { join } from "node:path";
import { EXAMPLE_CONFIG, loadConfig } from "./config/load";
import { ConfigError } from "./config/problems";
import { parseCredentialMode } from "./config/roles";
import { readAccessContract } from "./access/role-policies";
import { installProviderLock } from "./lib/provider-lock";
import { commitOfRun } from "./lib/run-commit";
import { addStacks } from "./stacks";
import { localStateInCi } from "./stacks/state-policy";
import { OUTDIR_STACKS } from "./conventions/names";

// Environment is read here only and handed down as props.
const configPath = process.env.AMI_PIPELINE_CONFIG || EXAMPLE_CONFIG;
const commit = commitOfRun();
const localStateDir = process.env.AMI_PIPELINE_STATE_DIR || undefined;
const credentials = parseCredentialMode(process.env.AMI_PIPELINE_ROLE_PURPOSE);
const ci = ["CI", "GITHUB_ACTIONS", "GITLAB_CI"].filter((name) => (process.env[name] ?? "") !== "" && process.env[name] !== "false");
const allowLocalState = process.env.AMI_PIPELINE_ALLOW_LOCAL_STATE === "1";
// Bootstrap stacks (the per-account CI roles) only when an administrator asks for them; CI never does.
const bootstrap = process.env.AMI_PIPELINE_BOOTSTRAP === "1";

try {
  const loaded = loadConfig(configPath); // before App(), which creates the output directory
  localStateInCi(loaded, ci, allowLocalState);
  const app = new App();
  const { shared, workloads, bootstraps } = addStacks(app, loaded, {
    commit,
    localStateDir,
    credentials,
    bootstrap: bootstrap ? { contract: readAccessContract() } : undefined,
  });
  app.synth();
  installProviderLock([shared, ...workloads, ...bootstraps].map((stack) => join(app.outdir, OUTDIR_STACKS, stack.node.id)));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Invalid configuration, nothing synthesized.\n${error.message}`);
  process.exit(1);
}
