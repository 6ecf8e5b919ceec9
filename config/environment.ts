// Every environment variable golden-ami and the app (main.ts) read, read and checked in one place and
// by one set of rules: an empty variable is unset (CI systems pass a missing input or secret as ""), a
// flag is 1 or 0, a closed set takes one of its values. A wrong value is a ConfigError naming the
// variable, the value and what is expected, before anything runs. Listed in docs/configuration.md.
import { z } from "zod";
import {
  AMI_PIPELINE_ALLOW_LOCAL_STATE,
  AMI_PIPELINE_BOOTSTRAP,
  AMI_PIPELINE_COMMIT,
  AMI_PIPELINE_CONFIG,
  AMI_PIPELINE_ROLE_PURPOSE,
  AMI_PIPELINE_STATE_DIR,
} from "../conventions/environment";
import { ConfigError, showValue } from "./problems";
import { CREDENTIAL_MODES, CredentialMode } from "./roles";

const text = z.string();
const flag = z.enum(["1", "0"], { error: (issue) => `expected 1 or 0, got ${showValue(issue.input)}` });
/** CI systems set these to "true" (GitHub Actions, GitLab CI) or "1"; "false" says no. */
const marker = text;

/** Each variable: its rule, and what it does (the reference's row). */
const VARIABLES = {
  [AMI_PIPELINE_CONFIG]: { schema: text, does: "The configuration file, when `--config` is not given. Default: `config/example.yaml`." },
  [AMI_PIPELINE_STATE_DIR]: {
    schema: text,
    does: "Keep Terraform state in local files in this directory instead of the S3 backend (development; refused in CI unless allowed).",
  },
  [AMI_PIPELINE_ROLE_PURPOSE]: {
    schema: z.enum(CREDENTIAL_MODES, { error: (issue) => `expected one of ${CREDENTIAL_MODES.join(", ")}, got ${showValue(issue.input)}` }),
    does: "Which CI roles the synthesized providers assume: `deploy` (default), `plan` (read-only plan roles), `profiles` (AWS profiles). `golden-ami plan` and `apply` set it.",
  },
  [AMI_PIPELINE_ALLOW_LOCAL_STATE]: { schema: flag, does: "`1`: allow local state (AMI_PIPELINE_STATE_DIR) in CI." },
  [AMI_PIPELINE_BOOTSTRAP]: { schema: flag, does: "`1`: synthesize the bootstrap stacks (each account's CI roles); for an administrator, never CI." },
  [AMI_PIPELINE_COMMIT]: { schema: text, does: "The commit recorded on AMIs and channel entries. Default: `GITHUB_SHA`, else `CI_COMMIT_SHA`." },
  GOLDEN_AMI_DEBUG: { schema: flag, does: "`1`: print the stack trace of an unexpected error." },
  CI: { schema: marker, does: "Set by CI systems (any value but `false`): local state is refused unless allowed." },
  GITHUB_ACTIONS: { schema: marker, does: "Set by GitHub Actions: as `CI`." },
  GITLAB_CI: { schema: marker, does: "Set by GitLab CI: as `CI`." },
  GITHUB_SHA: { schema: text, does: "GitHub Actions: the run's commit (recorded, the plan report's link, `branch-head`)." },
  GITHUB_REPOSITORY: { schema: text, does: "GitHub Actions: owner/name (the plan report's link, `branch-head`)." },
  GITHUB_RUN_ID: { schema: text, does: "GitHub Actions: the run (the plan report's link)." },
  GITHUB_SERVER_URL: { schema: text, does: "GitHub Actions: the server (the plan report's link). Default: `https://github.com`." },
  GITHUB_API_URL: { schema: text, does: "GitHub Actions: the REST API (`branch-head`). Default: `https://api.github.com`." },
  GITHUB_TOKEN: { schema: text, does: "GitHub Actions: the token `branch-head` reads the branch with; never printed." },
  CI_COMMIT_SHA: { schema: text, does: "GitLab CI: the pipeline's commit (recorded, the plan report)." },
  CI_JOB_URL: { schema: text, does: "GitLab CI: the job (the plan report's link)." },
} as const;

type Variable = keyof typeof VARIABLES;
type Values = { readonly [V in Variable]?: z.output<(typeof VARIABLES)[V]["schema"]> };

export interface GoldenAmiEnvironment {
  readonly configPath?: string;
  readonly stateDir?: string;
  readonly rolePurpose: CredentialMode;
  readonly allowLocalState: boolean;
  readonly bootstrap: boolean;
  /** AMI_PIPELINE_COMMIT, else the CI's own commit. */
  readonly commit?: string;
  /** The CI markers that are set (CI, GITHUB_ACTIONS, GITLAB_CI): none outside CI. */
  readonly ci: ReadonlyArray<string>;
  readonly debug: boolean;
  readonly github: {
    readonly sha?: string;
    readonly repository?: string;
    readonly runId?: string;
    readonly serverUrl?: string;
    readonly apiUrl?: string;
    readonly token?: string;
  };
  readonly gitlab: { readonly commitSha?: string; readonly jobUrl?: string };
}

/** Reads and checks every variable of `env`; throws one ConfigError listing every wrong one. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): GoldenAmiEnvironment {
  const values: Record<string, unknown> = {};
  const problems = [];
  for (const [name, { schema }] of Object.entries(VARIABLES)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const parsed = schema.safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else problems.push({ path: name, message: parsed.error.issues[0].message });
  }
  if (problems.length > 0) throw new ConfigError("environment", problems);
  const v = values as Values;
  return {
    configPath: v.AMI_PIPELINE_CONFIG,
    stateDir: v.AMI_PIPELINE_STATE_DIR,
    rolePurpose: v.AMI_PIPELINE_ROLE_PURPOSE ?? "deploy",
    allowLocalState: v.AMI_PIPELINE_ALLOW_LOCAL_STATE === "1",
    bootstrap: v.AMI_PIPELINE_BOOTSTRAP === "1",
    commit: v.AMI_PIPELINE_COMMIT ?? v.GITHUB_SHA ?? v.CI_COMMIT_SHA,
    ci: (["CI", "GITHUB_ACTIONS", "GITLAB_CI"] as const).filter((name) => v[name] !== undefined && v[name] !== "false"),
    debug: v.GOLDEN_AMI_DEBUG === "1",
    github: {
      sha: v.GITHUB_SHA,
      repository: v.GITHUB_REPOSITORY,
      runId: v.GITHUB_RUN_ID,
      serverUrl: v.GITHUB_SERVER_URL,
      apiUrl: v.GITHUB_API_URL,
      token: v.GITHUB_TOKEN,
    },
    gitlab: { commitSha: v.CI_COMMIT_SHA, jobUrl: v.CI_JOB_URL },
  };
}

/** The reference's section on the environment (docs/configuration.md). */
export function environmentMarkdown(): string {
  return [
    "## Environment variables",
    "",
    "Read and checked by one reader (`config/environment.ts`) before a command or synth does any work. An empty",
    "variable counts as unset; a flag takes `1` or `0`; a wrong value is an error naming the variable, the value",
    "and what is expected.",
    "",
    "| Variable | Allowed | What it does |",
    "| -------- | ------- | ------------ |",
    ...Object.entries(VARIABLES).map(([name, { schema, does }]) => {
      const allowed = schema instanceof z.ZodEnum ? schema.options.map((o) => `\`${o}\``).join(", ") : "text";
      return `| \`${name}\` | ${allowed} | ${does} |`;
    }),
    "",
  ].join("\n");
}
