/** The commit a run builds from, recorded on AMIs and channel entries: AMI_PIPELINE_COMMIT, else the CI's own. @default - none */
export function commitOfRun(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AMI_PIPELINE_COMMIT || env.GITHUB_SHA || env.CI_COMMIT_SHA || undefined;
}
