// golden-ami orphans: resources a stack created in AWS that its state does not hold (an interrupted apply).
import { Command } from "@commander-js/extra-typings";
import { join } from "node:path";
import { stackDirectories } from "../lib/plan-report/read-plans";
import { ensureInitialized } from "../lib/plan-stacks";
import { synthesize } from "../lib/synth";
import { terraformEnv } from "../lib/terraform-env";
import { GoldenAmiError } from "../conventions/errors";
import { CONFIG_OPTION_HELP, configPathOf, DEFAULT_OUTDIR, refuseUnknownStacks, withExample } from "./program";
import { OUTDIR_STACKS } from "../conventions/names";
import { library } from "./library";

export function registerOrphans(program: Command): void {
  const command = program
    .command("orphans")
    .description("list resources tagged by a workload stack but absent from its state; exit 1 if any")
    .argument("[stacks...]", "workload stack names (default: every workload)")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .option("--outdir <dir>", "synthesis output directory", DEFAULT_OUTDIR)
    .option("--json", "print a JSON array of {stack, type, id, name}")
    .action(async (stacks, options, cmd) => {
      const { loadConfig } = library.configuration();
      const { orphansOf, stateIds, taggedResources } = library.orphans();
      const { AwsAccess, stackTarget } = library.awsAccess();
      const configPath = configPathOf(options.config);
      const { config } = loadConfig(configPath);
      refuseUnknownStacks(
        cmd,
        stacks,
        config.workloads.map((w) => w.name),
        "workload stack",
      );
      const synth = await synthesize({ outdir: options.outdir, configPath });
      if (synth.code !== 0) throw new GoldenAmiError(`synth failed:\n${(synth.stderr || synth.stdout).trim()}`);
      const env = terraformEnv();
      const dirs = new Map(stackDirectories(options.outdir).map((s) => [s.stack, s.dir]));
      const access = new AwsAccess("orphans");
      const found = [];
      const unreadable: string[] = [];
      for (const workload of config.workloads.filter((w) => stacks.length === 0 || stacks.includes(w.name))) {
        const dir = dirs.get(workload.name) ?? join(options.outdir, OUTDIR_STACKS, workload.name);
        try {
          await ensureInitialized(dir, env);
          const known = await stateIds(dir, env);
          // Read-only, in the workload's own account: the plan role, as its plans use it.
          const tagged = await taggedResources(access, stackTarget(config, workload.name, "plan"));
          found.push(...orphansOf(tagged, known).map((o) => ({ stack: workload.name, ...o })));
        } catch (error) {
          // One stack that cannot be checked is named; the others are still checked.
          unreadable.push(`${workload.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (options.json) console.log(JSON.stringify(found));
      else for (const o of found) console.log(`${o.stack}\t${o.type}\t${o.id}${o.name && o.name !== o.id ? `\t${o.name}` : ""}`);
      if (unreadable.length > 0) throw new GoldenAmiError(`could not check ${unreadable.length} stack(s):\n${unreadable.map((u) => `  ${u}`).join("\n")}`);
      if (found.length > 0) {
        throw new GoldenAmiError(
          `${found.length} resource(s) exist in AWS but not in state; import them (terraform import) or delete them before the next apply (docs/runbooks.md, "When an apply was interrupted")`,
        );
      }
      console.error("No orphans: every tagged resource is in its stack's state.");
    });
  withExample(command, "npx golden-ami orphans web-staging");
}
