// golden-ami branch-head: in a deploy job, refuse (exit 1) unless this run's commit is the head of its
// branch, so that re-running an old run cannot plan or apply an old commit.
import { Command } from "@commander-js/extra-typings";
import { CommandFailed, EXIT_USAGE, withExample } from "./program";

export function registerBranchHead(program: Command): void {
  const command = program
    .command("branch-head")
    .description("exit 1 unless this run's commit ($GITHUB_SHA) is the head of the branch (deploy jobs: an old run must not roll back)")
    .option("--branch <name>", "the branch deploys come from", "main")
    .action(async (options, cmd) => {
      const { assertBranchHead, NotBranchHead } = require("../lib/ci/branch-head") as typeof import("../lib/ci/branch-head");
      const env = process.env;
      const missing = ["GITHUB_SHA", "GITHUB_REPOSITORY", "GITHUB_TOKEN"].filter((name) => !env[name]);
      if (missing.length > 0)
        cmd.error(`branch-head: missing environment variable ${missing.join(", ")} (set in GitHub Actions; GITHUB_TOKEN from github.token)`, {
          exitCode: EXIT_USAGE,
        });
      try {
        await assertBranchHead({
          commit: env.GITHUB_SHA!,
          repository: env.GITHUB_REPOSITORY!,
          branch: options.branch,
          token: env.GITHUB_TOKEN!,
          apiUrl: env.GITHUB_API_URL,
        });
      } catch (error) {
        if (error instanceof NotBranchHead) throw new CommandFailed(error.message);
        throw error;
      }
      console.error(`${env.GITHUB_SHA} is the head of ${options.branch}`);
    });
  withExample(command, "npx golden-ami branch-head --branch main   # in a deploy job, env GITHUB_TOKEN: ${{ github.token }}");
}
