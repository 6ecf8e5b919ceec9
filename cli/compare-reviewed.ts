// golden-ami compare-reviewed: after a merge, is each stack's new plan the one reviewed on the pull
// request? Exit 0 when every stack may be applied (identical, or only a newer AMI build), 1 when a
// person must approve, with every difference named; a Markdown verdict for the job summary and the PR.
import { Command } from "@commander-js/extra-typings";
import { writeFileSync } from "node:fs";
import { compareWithReviewed, Verdict } from "../lib/plan-report/compare-reviewed";
import { inlineCode, prose } from "../lib/plan-report/escape";
import { readStackPlans } from "../lib/plan-report/read-plans";
import { EXIT_USAGE, GoldenAmiError } from "../conventions/errors";
import { DEFAULT_OUTDIR, withExample } from "./program";

export function registerCompareReviewed(program: Command): void {
  const command = program
    .command("compare-reviewed")
    .description("compare the plans after a merge with the plans reviewed on the pull request; exit 1 when a person must approve")
    .argument("[stacks...]", "the stacks this run planned (default: every stack planned in --outdir)")
    .option("--reviewed <dirs...>", "the pull request's plan summaries (its plan-summaries artifacts: manifest.json and stacks/*/plan-summary.json)")
    .option("--outdir <dir>", "synthesis output directory of the plans made after the merge", DEFAULT_OUTDIR)
    .option("--markdown <file>", "write the verdict as Markdown here (job summary, pull request comment)")
    .option("--json", "print the verdicts as JSON")
    .action((stacks, options, cmd) => {
      if (!options.reviewed) return cmd.error("compare-reviewed: missing --reviewed <dirs...>: the pull request's plan summaries", { exitCode: EXIT_USAGE });
      const reviewed = new Map(readStackPlans(options.reviewed!).map((s) => [s.stack, s]));
      const planned = readStackPlans(options.outdir).filter((s) =>
        stacks.length > 0 ? stacks.includes(s.stack) : s.status !== "not planned" && s.status !== "skipped",
      );
      const unknown = stacks.filter((name) => !planned.some((s) => s.stack === name));
      if (unknown.length > 0) return cmd.error(`compare-reviewed: no plan of ${unknown.join(", ")} in ${options.outdir}`, { exitCode: EXIT_USAGE });
      const verdicts = planned.map((current) => compareWithReviewed(current, reviewed.get(current.stack)));
      if (options.json) console.log(JSON.stringify(verdicts, null, 2));
      if (options.markdown) writeFileSync(options.markdown, verdictMarkdown(verdicts));
      for (const v of verdicts) console.error(verdictLine(v));
      const blocked = verdicts.filter((v) => v.verdict === "approve").map((v) => v.stack);
      if (blocked.length > 0) throw new GoldenAmiError(`${blocked.length} stack(s) differ from the reviewed plan and wait for approval: ${blocked.join(", ")}`);
    });
  withExample(command, "npx golden-ami compare-reviewed web-staging --reviewed reviewed/* --markdown verdict.md");
}

function verdictLine(v: Verdict): string {
  if (v.verdict === "apply") return `${v.stack}: as reviewed${v.note ? ` (${v.note})` : ""}`;
  if (v.verdict === "apply-newer-ami") return `${v.stack}: as reviewed, with a newer AMI build: ${v.amis.join("; ")}`;
  return `${v.stack}: NEEDS APPROVAL: ${v.reasons.join("; ")}`;
}

function verdictMarkdown(verdicts: ReadonlyArray<Verdict>): string {
  const rows = verdicts.map((v) => {
    const detail =
      v.verdict === "apply"
        ? prose(v.note ?? "identical")
        : v.verdict === "apply-newer-ami"
          ? v.amis.map(prose).join("<br>")
          : v.reasons.map(prose).join("<br>");
    const label = v.verdict === "approve" ? "⛔ needs approval" : v.verdict === "apply-newer-ami" ? "✅ newer AMI build" : "✅ as reviewed";
    return `| ${inlineCode(v.stack)} | ${label} | ${detail} |`;
  });
  return ["### The plans after the merge, compared with the reviewed plans", "", "| stack | verdict | why |", "| --- | --- | --- |", ...rows, ""].join("\n");
}
