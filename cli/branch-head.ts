// golden-ami branch-head: in a deploy job, refuse (exit 1) unless this run's commit is the head of its
// branch, so that re-running an old run cannot plan or apply an old commit.
import { Command } from "@commander-js/extra-typings";
import { EXIT_USAGE } from "../conventions/errors";
import { withExample, environment } from "./program";
import { library } from "./library";

export function registerBranchHead(program: Command): void {
  const command = program
    .command("branch-head")
    .description("exit 1 unless this run's commit ($GITHUB_SHA) is the head of the branch (deploy jobs: an old run must not roll back)")
    .option("--branch <name>", "the branch deploys come from", "main")
    .action(async (options, cmd) => {
      const { assertBranchHead } = library.branchHead();
      const { sha, repository, token, apiUrl } = environment().github;
      const missing = Object.entries({ GITHUB_SHA: sha, GITHUB_REPOSITORY: repository, GITHUB_TOKEN: token }).flatMap(([name, value]) => (value ? [] : [name]));
      if (!sha || !repository || !token)
        return cmd.error(`branch-head: missing environment variable ${missing.join(", ")} (set in GitHub Actions; GITHUB_TOKEN from github.token)`, {
          exitCode: EXIT_USAGE,
        });
      await assertBranchHead({ commit: sha, repository, branch: options.branch, token, apiUrl });
      console.error(`${sha} is the head of ${options.branch}`);
    });
  withExample(command, "npx golden-ami branch-head --branch main   # in a deploy job, env GITHUB_TOKEN: ${{ github.token }}");
}
