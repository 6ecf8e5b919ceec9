// config/environment.ts: every variable golden-ami and main.ts read, by one set of rules. The drift it
// ended: main.ts took an empty AMI_PIPELINE_CONFIG for unset while the CLI refused it as a file named
// "", and AMI_PIPELINE_ROLE_PURPOSE=planx synthesized the deploy roles.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readEnvironment } from "../../config/environment";
import { configurationDoc } from "../../config/json-schema";
import { ConfigError } from "../../config/problems";
import { synthesize } from "../../lib/synth";
import { goldenAmiInProcess } from "../helpers/in-process-cli";

const thrown = (env: NodeJS.ProcessEnv): ConfigError => {
  try {
    readEnvironment(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("readEnvironment accepted it");
};

describe("readEnvironment", () => {
  it("takes an empty variable for an unset one, every variable alike", () => {
    const empty = readEnvironment({ AMI_PIPELINE_CONFIG: "", AMI_PIPELINE_STATE_DIR: "", AMI_PIPELINE_ROLE_PURPOSE: "", AMI_PIPELINE_BOOTSTRAP: "", CI: "" });
    expect(empty).toEqual(readEnvironment({}));
    expect(empty).toMatchObject({ configPath: undefined, stateDir: undefined, rolePurpose: "deploy", bootstrap: false, ci: [] });
  });

  it("names each wrong variable, its value and what it takes, all at once", () => {
    const error = thrown({ AMI_PIPELINE_ROLE_PURPOSE: "planx", AMI_PIPELINE_ALLOW_LOCAL_STATE: "true", GOLDEN_AMI_DEBUG: "yes" });
    expect(error.problems).toEqual([
      { path: "AMI_PIPELINE_ROLE_PURPOSE", message: 'expected one of deploy, plan, profiles, got "planx"' },
      { path: "AMI_PIPELINE_ALLOW_LOCAL_STATE", message: 'expected 1 or 0, got "true"' },
      { path: "GOLDEN_AMI_DEBUG", message: 'expected 1 or 0, got "yes"' },
    ]);
    expect(error.source).toBe("environment");
  });

  it("reads the flags, the CI markers (any value but false) and the commit (ours, then GitHub's, then GitLab's)", () => {
    const env = readEnvironment({ AMI_PIPELINE_BOOTSTRAP: "1", AMI_PIPELINE_ALLOW_LOCAL_STATE: "0", CI: "false", GITHUB_ACTIONS: "true", GITLAB_CI: "1" });
    expect(env).toMatchObject({ bootstrap: true, allowLocalState: false, ci: ["GITHUB_ACTIONS", "GITLAB_CI"] });
    expect(readEnvironment({ GITHUB_SHA: "g", CI_COMMIT_SHA: "l" }).commit).toBe("g");
    expect(readEnvironment({ CI_COMMIT_SHA: "l" }).commit).toBe("l");
    expect(readEnvironment({ AMI_PIPELINE_COMMIT: "a", GITHUB_SHA: "g" }).commit).toBe("a");
  });

  it("is listed in the configuration reference, every variable with what it takes", () => {
    const doc = configurationDoc();
    expect(doc).toContain("## Environment variables");
    expect(doc).toContain("| `AMI_PIPELINE_ROLE_PURPOSE` | `deploy`, `plan`, `profiles` |");
    expect(doc).toContain("| `AMI_PIPELINE_BOOTSTRAP` | `0`, `1` |");
  });
});

describe("the environment's rules hold for the CLI and for synth alike", () => {
  it("golden-ami takes an empty AMI_PIPELINE_CONFIG for unset (the example), as synth does", async () => {
    const result = await goldenAmiInProcess(["stacks", "--role", "shared"], { env: { ...process.env, AMI_PIPELINE_CONFIG: "" } });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("shared");
  });

  it("golden-ami refuses a wrong variable before doing anything, naming it (exit 1)", async () => {
    const result = await goldenAmiInProcess(["stacks"], { env: { ...process.env, AMI_PIPELINE_ROLE_PURPOSE: "planx" } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain('environment: 1 problem\n  - AMI_PIPELINE_ROLE_PURPOSE: expected one of deploy, plan, profiles, got "planx"');
  });

  it("synth refuses it too, and synthesizes nothing", async () => {
    const outdir = join(process.env.TMPDIR ?? "/tmp", `env-synth-${process.pid}`);
    const result = await synthesize({ outdir, env: { ...process.env, AMI_PIPELINE_ROLE_PURPOSE: "planx" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Invalid configuration, nothing synthesized.\nenvironment: 1 problem\n  - AMI_PIPELINE_ROLE_PURPOSE: expected one of deploy, plan, profiles, got "planx"',
    );
    expect(existsSync(outdir)).toBe(false);
  });
});
