// What the plan report says about the CI run it came from, read from GitHub Actions' or GitLab CI's
// environment: the only place the report looks at CI variables.

export interface RunInfo {
  /** Link to the CI run. @default - none */
  readonly url?: string;
  readonly commit?: string;
}

/** The run's link and commit from GitHub Actions' or GitLab CI's environment; nothing elsewhere. */
export function runInfoFromEnv(env: NodeJS.ProcessEnv = process.env): RunInfo {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    return { url: `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`, commit: env.GITHUB_SHA };
  }
  if (env.CI_JOB_URL) return { url: env.CI_JOB_URL, commit: env.CI_COMMIT_SHA };
  return {};
}
