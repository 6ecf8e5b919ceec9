// golden-ami report: one Markdown comment (and GitLab terraform reports) from every stack's plan.
import { Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gitlabJobReport, gitlabReport } from "../lib/plan-report/gitlab";
import { runInfoOf } from "../lib/ci/run-info";
import { DEFAULT_COMMENT_LIMIT, JOB_SUMMARY_LIMIT, MIN_COMMENT_LIMIT, renderMarkdown } from "../lib/plan-report/markdown";
import { readStackPlans } from "../lib/plan-report/read-plans";
import { GoldenAmiError } from "../conventions/errors";
import { DEFAULT_OUTDIR, positiveInteger, withExample, environment } from "./program";

export function registerReport(program: Command): void {
  const command = program
    .command("report")
    .description("render the plans as one pull-request comment and CI reports")
    .option("--outdir <dirs...>", "synthesis output directories that `plan` used (several: CI shards)", [DEFAULT_OUTDIR])
    .option("--markdown <file>", "write the comment to this file (default: stdout)")
    .option("--full-markdown <file>", `write the whole report, up to ${JOB_SUMMARY_LIMIT} bytes, here (for the job summary)`)
    .addOption(
      new Option("--limit-bytes <n>", "largest comment in UTF-8 bytes, a hard limit (GitLab notes take 1000000)")
        .default(DEFAULT_COMMENT_LIMIT, `${DEFAULT_COMMENT_LIMIT}: GitHub's 65536 less room for the posting action's marker`)
        .argParser((value) => {
          const limit = positiveInteger(value);
          if (limit < MIN_COMMENT_LIMIT) {
            throw new InvalidArgumentError(
              `expected at least ${MIN_COMMENT_LIMIT} bytes (the marker that finds the comment again, a headline and the cut note), got ${limit}`,
            );
          }
          return limit;
        }),
    )
    .option("--gitlab-dir <dir>", "write one GitLab terraform report per stack (<stack>.tfplan.json) here")
    .option("--gitlab-report <file>", "write ONE GitLab terraform report for all stacks (counts summed; an error if one failed)")
    .option("--summary-json <file>", "write counts for CI decisions (AMI updates, failed and changed stacks) here")
    .option("--json", "print the summary JSON on stdout instead of the comment")
    .option("--fail-on-error", "exit 1 when any stack failed to plan", false)
    .action((options) => {
      const stacks = readStackPlans(options.outdir);
      const run = runInfoOf(environment());
      const markdown = renderMarkdown(stacks, { limitBytes: options.limitBytes, run });
      const failed = stacks.filter((s) => s.status === "failed").map((s) => s.stack);
      const summary = {
        amiUpdates: stacks.reduce((n, s) => n + (s.status === "changed" ? s.amiUpdates.length : 0), 0),
        failed,
        changed: stacks.filter((s) => s.status === "changed").map((s) => s.stack),
        destroys: stacks.reduce((n, s) => n + (s.status === "changed" ? s.dangers.length : 0), 0),
        notPlanned: stacks.filter((s) => s.status === "not planned").map((s) => s.stack),
      };
      if (options.markdown) writeFileSync(options.markdown, markdown);
      if (options.fullMarkdown) writeFileSync(options.fullMarkdown, renderMarkdown(stacks, { limitBytes: JOB_SUMMARY_LIMIT, run }));
      else if (!options.json) process.stdout.write(markdown);
      if (options.json) console.log(JSON.stringify(summary));
      if (options.summaryJson) writeFileSync(options.summaryJson, JSON.stringify(summary));
      if (options.gitlabReport) writeFileSync(options.gitlabReport, JSON.stringify(gitlabJobReport(stacks)));
      if (options.gitlabDir) {
        mkdirSync(options.gitlabDir, { recursive: true });
        for (const stack of stacks) {
          const report = gitlabReport(stack);
          if (report) writeFileSync(join(options.gitlabDir, `${stack.stack}.tfplan.json`), JSON.stringify(report));
        }
      }
      if (failed.length > 0) console.error(`Plan failed for: ${failed.join(", ")}`);
      if (options.failOnError && failed.length > 0) throw new GoldenAmiError(`${failed.length} stack(s) failed to plan: ${failed.join(", ")}`);
    });
  withExample(command, "npx golden-ami report --markdown plan-report.md --summary-json plan-summary.json");
}
