// plan-report: one Markdown comment (and GitLab terraform reports) from every stack's plan.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gitlabReport } from "./gitlab";
import { GITHUB_COMMENT_LIMIT, renderMarkdown, runInfoFromEnv } from "./markdown";
import { readStackPlans } from "./read-plans";

const { values } = parseArgs({
  options: {
    outdir: { type: "string", default: "cdktf.out" },
    markdown: { type: "string" },
    "limit-bytes": { type: "string", default: String(GITHUB_COMMENT_LIMIT) },
    "gitlab-dir": { type: "string" },
    "fail-on-error": { type: "boolean", default: false },
    /** Machine-readable counts for CI decisions (the nightly job: is a newer AMI waiting?). */
    "summary-json": { type: "string" },
  },
});

const stacks = readStackPlans(values.outdir!);
const markdown = renderMarkdown(stacks, { limitBytes: Number(values["limit-bytes"]), run: runInfoFromEnv() });
if (values.markdown) writeFileSync(values.markdown, markdown);
else process.stdout.write(markdown);
if (values["gitlab-dir"]) {
  mkdirSync(values["gitlab-dir"], { recursive: true });
  for (const stack of stacks) writeFileSync(join(values["gitlab-dir"], `${stack.stack}.tfplan.json`), JSON.stringify(gitlabReport(stack)));
}
const failed = stacks.filter((s) => s.status === "failed").map((s) => s.stack);
if (values["summary-json"]) {
  const amiUpdates = stacks.reduce((n, s) => n + (s.status === "changed" ? s.amiUpdates.length : 0), 0);
  writeFileSync(values["summary-json"], JSON.stringify({ amiUpdates, failed, changed: stacks.filter((s) => s.status === "changed").map((s) => s.stack) }));
}
if (failed.length > 0) console.error(`Plan failed for: ${failed.join(", ")}`);
if (values["fail-on-error"] && failed.length > 0) process.exit(1);
