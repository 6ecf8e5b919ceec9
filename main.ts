import { App } from "cdktf";
import { EXAMPLE_CONFIG, loadConfig } from "./config/load";
import { ConfigError } from "./config/problems";
import { addStacks } from "./stacks";

// Environment is read here only and handed down as props.
const configPath = process.env.AMI_PIPELINE_CONFIG || EXAMPLE_CONFIG;
const commit = process.env.AMI_PIPELINE_COMMIT || process.env.GITHUB_SHA || process.env.CI_COMMIT_SHA || undefined;
const localStateDir = process.env.AMI_PIPELINE_STATE_DIR || undefined;

try {
  const loaded = loadConfig(configPath); // before App(), which creates the output directory
  const app = new App();
  addStacks(app, loaded, { commit, localStateDir });
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Invalid configuration, nothing synthesized.\n${error.message}`);
  process.exit(1);
}
