// npm run bench:suite [-- --runs N]: what `npm test` costs, stage by stage and file by file, written
// into docs/performance.md between its suite-timings markers. Each run executes npm test's own stages
// (type-check, lint, the unit and validate projects, the end-to-end suite) with the commands npm test
// runs, jest's per-file results (--json) and every command's duration (lib/process.ts records them
// when GOLDEN_AMI_TIMINGS names a file). The table is the median run's; phases are summed process
// time of the commands a file ran, so on two workers they add up to more than wall time.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, relative } from "node:path";
import { run } from "../../lib/process";
import { PROJECT_ROOT } from "../../lib/synth";

const PERFORMANCE = join(PROJECT_ROOT, "docs", "performance.md");
const START = "<!-- suite-timings:start -->";
const END = "<!-- suite-timings:end -->";
const JEST = join(PROJECT_ROOT, "node_modules", ".bin", "jest");

interface Timing {
  readonly label: string;
  readonly command: string;
  readonly args: ReadonlyArray<string>;
  readonly dir?: string;
  readonly ms: number;
}

interface FileResult {
  readonly file: string;
  readonly seconds: number;
  readonly tests: number;
  readonly phases: Record<string, number>;
}

interface Run {
  readonly stages: Record<string, number>;
  readonly files: FileResult[];
  readonly total: number;
  readonly tests: number;
}

/** The phase a recorded command belongs to. */
function phaseOf(timing: Timing): string | undefined {
  const name = timing.command.split("/").pop()!;
  const [first, second] = timing.args;
  const where = timing.dir?.startsWith("bootstrap") ? "bootstrap " : "";
  if (name === "scenario") return `scenario ${first}`;
  if (name === "emulator") return "emulator start";
  if (name === "terraform") return ["init", "plan", "apply", "destroy", "show"].includes(first) ? `${where}terraform ${first}` : "terraform other";
  if (name === "sh" && String(second).includes("dist/main.js")) return "synth";
  if (name === "cdktf") return `cdktf ${first}`;
  return undefined;
}

const PHASES = [
  "scenario prepared",
  "scenario restored",
  "synth",
  "bootstrap terraform apply",
  "terraform init",
  "terraform plan",
  "terraform apply",
  "terraform show",
  "terraform destroy",
  "cdktf plan",
  "cdktf deploy",
];

async function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const began = Date.now();
  const result = await run(command, args, { cwd: PROJECT_ROOT, env });
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.code}):\n${(result.stdout + result.stderr).slice(-4000)}`);
  return (Date.now() - began) / 1000;
}

async function jestStage(args: string[], timingsFile: string): Promise<{ seconds: number; files: FileResult[]; tests: number }> {
  const output = join(mkdtempSync(join(tmpdir(), "bench-suite-")), "results.json");
  const seconds = await timed(JEST, [...args, "--json", `--outputFile=${output}`], { ...process.env, GOLDEN_AMI_TIMINGS: timingsFile });
  const results = JSON.parse(readFileSync(output, "utf8")) as {
    numTotalTests: number;
    testResults: { name: string; startTime: number; endTime: number; assertionResults: unknown[] }[];
  };
  const timings = readFileSync(timingsFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Timing);
  const files = results.testResults.map((result) => {
    const file = relative(PROJECT_ROOT, result.name);
    const phases: Record<string, number> = {};
    for (const timing of timings.filter((t) => t.label === file)) {
      const phase = phaseOf(timing);
      if (phase) phases[phase] = (phases[phase] ?? 0) + timing.ms / 1000;
    }
    return { file, seconds: (result.endTime - result.startTime) / 1000, tests: result.assertionResults.length, phases };
  });
  return { seconds, files, tests: results.numTotalTests };
}

async function oneRun(index: number): Promise<Run> {
  const work = mkdtempSync(join(tmpdir(), `bench-suite-${index}-`));
  const stages: Record<string, number> = {};
  stages["type-check"] = await timed("npm", ["run", "-s", "typecheck"], process.env);
  stages["lint"] = await timed("npm", ["run", "-s", "lint"], process.env);
  const unit = await jestStage([], join(work, "unit.jsonl"));
  stages["unit + validate (jest)"] = unit.seconds;
  const e2e = await jestStage(["--config", "jest.e2e.config.js"], join(work, "e2e.jsonl"));
  stages["end to end (jest.e2e.config.js)"] = e2e.seconds;
  const total = Object.values(stages).reduce((a, b) => a + b, 0);
  console.log(
    `run ${index + 1}: ${total.toFixed(0)} s (${Object.entries(stages)
      .map(([k, v]) => `${k} ${v.toFixed(0)} s`)
      .join(", ")})`,
  );
  return { stages, files: [...unit.files, ...e2e.files], total, tests: unit.tests + e2e.tests };
}

function table(runs: Run[]): string {
  const sorted = [...runs].sort((a, b) => a.total - b.total);
  // The run whose table is shown: the middle one (of two, the faster); the median of the totals is
  // the middle total, or the mean of the middle two.
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const middle = sorted.length % 2 === 1 ? median.total : (sorted[sorted.length / 2 - 1].total + sorted[sorted.length / 2].total) / 2;
  const machine = `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const s = (n: number | undefined) => (n === undefined || n < 0.05 ? "" : n.toFixed(1));
  const used = PHASES.filter((phase) => median.files.some((f) => f.phases[phase]));
  const lines = [
    START,
    `Measured by \`npm run bench:suite\` on ${new Date().toISOString().slice(0, 10)} (${machine}): \`npm test\` took ` +
      `${runs.map((r) => `${r.total.toFixed(0)} s`).join(" and ")} (${runs.length} run${runs.length > 1 ? "s" : ""}; median ${middle.toFixed(0)} s), ` +
      `${median.tests} tests. The table is the ${runs.length > 1 ? `${median.total.toFixed(0)} s run's` : "run's"}.`,
    "",
    "| stage | seconds |",
    "| --- | ---: |",
    ...Object.entries(median.stages).map(([stage, seconds]) => `| ${stage} | ${seconds.toFixed(0)} |`),
    "",
    `| file | tests | seconds | ${used.join(" | ")} |`,
    `| --- | ---: | ---: |${used.map(() => " ---: |").join("")}`,
    ...[...median.files]
      .sort((a, b) => b.seconds - a.seconds)
      .map((f) => `| \`${f.file}\` | ${f.tests} | ${f.seconds.toFixed(1)} | ${used.map((phase) => s(f.phases[phase])).join(" | ")} |`),
    END,
  ];
  return lines.join("\n");
}

async function main(): Promise<void> {
  const at = process.argv.indexOf("--runs");
  const count = at >= 0 ? Number(process.argv[at + 1]) : 1;
  if (!Number.isInteger(count) || count < 1) throw new Error(`--runs: expected a positive integer, got ${process.argv[at + 1]}`);
  const runs: Run[] = [];
  for (let i = 0; i < count; i++) runs.push(await oneRun(i));
  const document = readFileSync(PERFORMANCE, "utf8");
  const [before, rest] = document.includes(START)
    ? [document.slice(0, document.indexOf(START)), document.slice(document.indexOf(END) + END.length)]
    : [document + "\n", "\n"];
  writeFileSync(PERFORMANCE, before + table(runs) + rest);
  await run(join(PROJECT_ROOT, "node_modules", ".bin", "prettier"), ["--write", PERFORMANCE], { cwd: PROJECT_ROOT });
  console.log(`wrote the table into ${relative(PROJECT_ROOT, PERFORMANCE)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
