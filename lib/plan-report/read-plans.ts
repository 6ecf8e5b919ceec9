import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { OUTDIR_MANIFEST, SHARED_STACK_NAME, STACK_FILES } from "../../conventions/names";
import { TerraformPlan } from "./plan-json";
import { StackSummary, summarizePlan } from "./summarize";

/** Stacks in one stable order everywhere (reports, shards): the shared stack first, then by name. */
export function byStackOrder<T>(items: ReadonlyArray<T>, name: (item: T) => string): T[] {
  const rank = (n: string) => (n === SHARED_STACK_NAME ? `0${n}` : `1${n}`);
  return [...items].sort((a, b) => rank(name(a)).localeCompare(rank(name(b))));
}

export function stackDirectories(outdir: string): { stack: string; dir: string }[] {
  const file = join(outdir, OUTDIR_MANIFEST);
  if (!existsSync(file)) throw new Error(`${file} does not exist: nothing was synthesized into ${outdir} (npx cdktf synth, or golden-ami plan)`);
  if (!statSync(file).isFile()) throw new Error(`${file} is not a file`);
  return byStackOrder(
    schemas()
      .parseManifest(file, readFileSync(file, "utf8"))
      .map((s) => ({ stack: s.name, dir: join(outdir, s.workingDirectory) })),
    (s) => s.stack,
  );
}

/** zod, loaded when a report or apply reads files, not when the CLI starts. */
function schemas(): typeof import("./summary-schema") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: see above
  return require("./summary-schema");
}

/**
 * A plan file's JSON. CI wrappers (setup-terraform's) print a `[command]…` line and the exit code
 * around the output: the JSON object is taken from between them when the file is not JSON itself.
 */
export function parsePlanJson(text: string): TerraformPlan {
  try {
    return JSON.parse(text) as TerraformPlan;
  } catch (error) {
    const start = text.search(/^\{/m);
    const end = text.lastIndexOf("}");
    if (start >= 0 && end > start) {
      try {
        return JSON.parse(text.slice(start, end + 1)) as TerraformPlan;
      } catch {
        // fall through to the original error
      }
    }
    throw error;
  }
}

/** One stack's summary from its directory; an unreadable plan is a failed stack, never an exception. */
function readStackPlan(stack: string, dir: string): StackSummary {
  try {
    if (existsSync(join(dir, STACK_FILES.planError))) return { stack, status: "failed", error: readFileSync(join(dir, STACK_FILES.planError), "utf8") };
    if (existsSync(join(dir, STACK_FILES.planSummary))) return readSummary(stack, readFileSync(join(dir, STACK_FILES.planSummary), "utf8"));
    if (!existsSync(join(dir, STACK_FILES.planJson))) return { stack, status: "not planned" };
    const plan = parsePlanJson(readFileSync(join(dir, STACK_FILES.planJson), "utf8"));
    if (plan === null || typeof plan !== "object" || typeof plan.format_version !== "string") {
      return { stack, status: "failed", error: `${STACK_FILES.planJson} is not a Terraform plan (no format_version).` };
    }
    return summarizePlan(stack, plan);
  } catch (error) {
    return { stack, status: "failed", error: `${STACK_FILES.planJson} could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function readSummary(stack: string, text: string): StackSummary {
  const parsed = schemas().parseStackSummary(stack, text);
  return "summary" in parsed ? parsed.summary : { stack, status: "failed", error: `${STACK_FILES.planSummary} is not a valid plan summary: ${parsed.problem}` };
}

/** Every stack of one or more cdktf output directories (CI shards), in the manifests' order. */
export function readStackPlans(outdirs: string | ReadonlyArray<string>): StackSummary[] {
  const seen = new Map<string, StackSummary>();
  for (const outdir of typeof outdirs === "string" ? [outdirs] : outdirs) {
    for (const { stack, dir } of stackDirectories(outdir)) {
      const summary = readStackPlan(stack, dir);
      // A stack planned in one shard and skipped in another: the planned one counts.
      const known = seen.get(stack);
      if (!known || known.status === "not planned" || (known.status === "skipped" && summary.status !== "not planned")) seen.set(stack, summary);
    }
  }
  return [...seen.values()];
}
