// npm run security:gate -- <outdir>: checkov (pinned) on every plan.json that `golden-ami plan` left;
// exit 1 when any check fails. CI runs it on each pull request's plans; the tests run it too.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { stackDirectories } from "../../lib/plan-report/read-plans";
import { checkovPlan } from "./checkov";
import { STACK_FILES } from "../../conventions/names";

async function main(outdir = "cdktf.out"): Promise<void> {
  const plans = stackDirectories(outdir).filter(({ dir }) => existsSync(join(dir, STACK_FILES.planJson)));
  let failed = 0;
  for (const { stack, dir } of plans) {
    const result = await checkovPlan(join(dir, STACK_FILES.planJson));
    failed += result.failed.length;
    console.log(`${stack}: ${result.passed} passed, ${result.failed.length} failed`);
    for (const f of result.failed) console.log(`  ${f.id} ${f.resource}: ${f.name}`);
  }
  if (plans.length === 0) console.log("no plans with changes to check");
  if (failed > 0) process.exitCode = 1;
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
