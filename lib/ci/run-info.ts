// What the plan report says about the CI run it came from, from GitHub Actions' or GitLab CI's
// variables: the only place the report looks at them.
import type { GoldenAmiEnvironment } from "../../config/environment";

export interface RunInfo {
  /** Link to the CI run. @default - none */
  readonly url?: string;
  readonly commit?: string;
}

/** The run's link and commit from GitHub Actions' or GitLab CI's variables (read by config/environment.ts); nothing elsewhere. */
export function runInfoOf({ github, gitlab }: Pick<GoldenAmiEnvironment, "github" | "gitlab">): RunInfo {
  if (github.runId && github.repository) {
    return { url: `${github.serverUrl ?? "https://github.com"}/${github.repository}/actions/runs/${github.runId}`, commit: github.sha };
  }
  if (gitlab.jobUrl) return { url: gitlab.jobUrl, commit: gitlab.commitSha };
  return {};
}
