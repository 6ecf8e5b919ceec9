import { App } from "cdktf";
import { join } from "node:path";
import { readEnvironment } from "./config/environment";
import { EXAMPLE_CONFIG, loadConfig } from "./config/load";
import { ConfigError } from "./config/problems";
import { readAccessContract } from "./access/role-policies";
import { installProviderLock } from "./lib/provider-lock";
import { addStacks } from "./stacks";
import { localStateInCi } from "./stacks/state-policy";
import { OUTDIR_STACKS } from "./conventions/names";

try {
  // The environment is read here only (config/environment.ts) and handed down as props.
  const environment = readEnvironment();
  const loaded = loadConfig(environment.configPath ?? EXAMPLE_CONFIG); // before App(), which creates the output directory
  localStateInCi(loaded, environment.ci, environment.allowLocalState);
  const app = new App();
  const { shared, workloads, bootstraps } = addStacks(app, loaded, {
    commit: environment.commit,
    localStateDir: environment.stateDir,
    credentials: environment.rolePurpose,
    // Bootstrap stacks (the per-account CI roles) only when an administrator asks for them; CI never does.
    bootstrap: environment.bootstrap ? { contract: readAccessContract() } : undefined,
  });
  app.synth();
  installProviderLock([shared, ...workloads, ...bootstraps].map((stack) => join(app.outdir, OUTDIR_STACKS, stack.node.id)));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Invalid configuration, nothing synthesized.\n${error.message}`);
  process.exit(1);
}
