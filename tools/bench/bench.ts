// npm run bench: the performance budget, measured in one run and written to bench/RESULTS.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import type { Document } from "yaml";
import { Emulator, withEmulator } from "../emulator/emulator";
import { prepareScenario } from "../emulator/prepare";
import { writeConfigCopy, writeScenarioConfig } from "../emulator/scenario";
import { run } from "../../lib/process";
import { APP_COMMAND, PROJECT_ROOT } from "../../lib/synth";
import { TERRAFORM_GOGC, terraformEnv } from "../../lib/terraform-env";

const RUNS = 3;

async function runChecked(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const result = await run(command, args, { cwd: PROJECT_ROOT, env });
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
}
const STACK = "web-staging";

interface Row {
  readonly what: string;
  readonly seconds: number;
  readonly peakMiB?: number;
  readonly target?: string;
  readonly met?: boolean;
}

/** Wall time (median of RUNS) and peak RSS of a command, from GNU time. */
async function measure(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; runs?: number } = {}) {
  const samples: { seconds: number; peakMiB: number }[] = [];
  for (let i = 0; i < (options.runs ?? RUNS); i++) {
    const result = await run("/usr/bin/time", ["-f", "BENCH %e %M", command, ...args], { cwd: options.cwd ?? PROJECT_ROOT, env: options.env ?? process.env });
    const line = result.stderr.split("\n").find((l) => l.startsWith("BENCH "));
    if (result.code !== 0 || !line) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
    const [, seconds, kib] = line.split(" ");
    samples.push({ seconds: Number(seconds), peakMiB: Number(kib) / 1024 });
  }
  samples.sort((a, b) => a.seconds - b.seconds);
  return samples[Math.floor(samples.length / 2)];
}

/** The example with `count` more workloads (or only those, `replace`), each a copy of web-staging under another name. */
function addWorkloads(count: number, replace = false) {
  return (document: Document) => {
    const template = (document.getIn(["workloads", 0]) as { toJSON(): Record<string, unknown> }).toJSON();
    const workloads = document.get("workloads") as { items: unknown[] };
    if (replace) workloads.items.splice(0);
    for (let i = 0; i < count; i++)
      workloads.items.push(document.createNode({ ...template, name: `app-${i}`, environment: `env${i}`, ami: { source: "latest" } }));
  };
}

const manyWorkloads = (dir: string, count: number, replace = false) => writeConfigCopy({ dir, edit: addWorkloads(count, replace) });
/** The same on the emulated organization (its accounts and networks), instance refresh off. */
const manyWorkloadsIn = (emulator: Emulator, dir: string, count: number) =>
  writeScenarioConfig(emulator, { dir, instanceRefresh: false, edit: addWorkloads(count, true) });

const GOLDEN_AMI = join(PROJECT_ROOT, "bin", "golden-ami.js");

async function main(): Promise<void> {
  const rows: Row[] = [];
  const add = (row: Row) => (rows.push(row), console.log(`${row.what}: ${row.seconds.toFixed(2)} s${row.peakMiB ? `, ${row.peakMiB.toFixed(0)} MiB` : ""}`));
  const work = mkdtempSync(join(tmpdir(), "bench-"));
  const app = (configPath: string, outdir: string) =>
    measure("sh", ["-c", APP_COMMAND], { env: { ...process.env, AMI_PIPELINE_CONFIG: configPath, CDKTF_OUTDIR: outdir } });

  const example = writeConfigCopy({ dir: mkdtempSync(join(work, "example-")) });
  const synth = await app(example, join(work, "synth-example"));
  add({
    what: "app synth, example (cdktf.json app: esbuild bundle + node)",
    ...synth,
    target: "≤ 0.5 s, ≤ 300 MiB",
    met: synth.seconds <= 0.5 && synth.peakMiB <= 300,
  });
  const many = manyWorkloads(mkdtempSync(join(work, "many-")), 100);
  const hundred = await app(many, join(work, "synth-many"));
  add({ what: "app synth, 100 more workloads", ...hundred, target: "≤ 3 s, ≤ 300 MiB", met: hundred.seconds <= 3 && hundred.peakMiB <= 300 });
  const thousand = await app(manyWorkloads(mkdtempSync(join(work, "thousand-")), 1000, true), join(work, "synth-thousand"));
  add({ what: "app synth, 1,000 workloads", ...thousand, target: "≤ 30 s, ≤ 2,048 MiB", met: thousand.seconds <= 30 && thousand.peakMiB <= 2048 });
  const cli = await measure(join(PROJECT_ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", join(work, "cli-synth")], {
    env: { ...terraformEnv(), AMI_PIPELINE_CONFIG: example },
  });
  add({ what: "cdktf synth (CLI), example", ...cli });

  await withEmulator({ region: "ap-northeast-1" }, async (emulator) => {
    const dir = mkdtempSync(join(work, "plan-"));
    const prepared = await prepareScenario(emulator, dir, await writeScenarioConfig(emulator, { dir, instanceRefresh: false }));
    // cdktf and a raw `terraform plan` as users run them: Go's default GC (only golden-ami sets GOGC).
    const env = { ...prepared.env, GOGC: undefined };
    const outdir = prepared.outdir;
    await prepared.build(1);
    const stackDir = join(outdir, "stacks", STACK);
    const init = await measure("terraform", ["init", "-input=false", "-no-color"], { cwd: stackDir, env, runs: 1 });
    const raw = await measure("terraform", ["plan", "-input=false", "-no-color", "-lock=false"], { cwd: stackDir, env });
    add({ what: "raw terraform plan (initialized stack directory, every resource new)", ...raw });
    const appSynth = await measure("sh", ["-c", APP_COMMAND], { env: { ...env, CDKTF_OUTDIR: outdir } });
    // Measured as one command: the app (cdktf.json's), then terraform plan in the initialized stack directory.
    const fastPath = await measure("sh", ["-c", `${APP_COMMAND} && cd ${stackDir} && terraform plan -input=false -no-color -lock=false`], {
      env: { ...env, CDKTF_OUTDIR: outdir },
    });
    const fast = fastPath.seconds;
    add({
      what: "fastest path: app synth, then terraform plan (plan-all in an initialized directory)",
      ...fastPath,
      target: "≤ 1.2 × raw",
      met: fast <= 1.2 * raw.seconds,
    });
    const cdktfPlan = await measure(
      join(PROJECT_ROOT, "node_modules", ".bin", "cdktf"),
      ["plan", STACK, "--output", join(dir, "cli-out"), "--skip-provider-lock"],
      { env },
    );
    add({ what: "cdktf plan (CLI, first run in a fresh output dir)", ...cdktfPlan, target: "≤ 2.5 × raw", met: cdktfPlan.seconds <= 2.5 * raw.seconds });
    const cliStart = Math.max(0, cdktfPlan.seconds - appSynth.seconds - init.seconds - raw.seconds);
    add({ what: "  of which: app synth", seconds: appSynth.seconds });
    add({ what: "  of which: terraform init", seconds: init.seconds });
    add({ what: "  of which: terraform plan", seconds: raw.seconds });
    add({ what: "  of which: CLI start and the rest", seconds: cliStart });
    const rawRatio = { cdktf: cdktfPlan.seconds / raw.seconds, fast: fast / raw.seconds };
    console.log(`ratios to raw plan: cdktf ${rawRatio.cdktf.toFixed(2)}x, fastest path ${rawRatio.fast.toFixed(2)}x`);

    // Many accounts: 1 shared + 12 applied workloads with nothing to change, planned by golden-ami plan.
    const fleetDir = mkdtempSync(join(work, "twelve-"));
    const twelve = await manyWorkloadsIn(emulator, fleetDir, 12);
    const twelveEnv = { ...prepared.env, AMI_PIPELINE_CONFIG: twelve, AMI_PIPELINE_STATE_DIR: fleetDir };
    const twelveOut = join(fleetDir, "out");
    const workloads = Array.from({ length: 12 }, (_, i) => `app-${i}`);
    await runChecked(process.execPath, [GOLDEN_AMI, "plan", ...workloads, "--outdir", twelveOut], twelveEnv);
    await runChecked(process.execPath, [GOLDEN_AMI, "apply", ...workloads, "--outdir", twelveOut], twelveEnv);
    // The baseline: one raw `terraform plan` of one of those stacks (applied, nothing to change), as a
    // user runs it (Go's default GC), and with the GC target golden-ami gives Terraform.
    const oneStack = join(twelveOut, "stacks", workloads[0]);
    const rawDefault = await measure("terraform", ["plan", "-input=false", "-no-color", "-lock=false"], {
      cwd: oneStack,
      env: { ...twelveEnv, GOGC: undefined },
    });
    const rawTuned = await measure("terraform", ["plan", "-input=false", "-no-color", "-lock=false"], { cwd: oneStack, env: twelveEnv });
    add({ what: "raw terraform plan of one applied workload, nothing to change (Go's default GC)", ...rawDefault });
    add({ what: `  the same with golden-ami's GC target (GOGC=${TERRAFORM_GOGC})`, ...rawTuned });
    const planAll = await measure(process.execPath, [GOLDEN_AMI, "plan", "--outdir", twelveOut], { env: twelveEnv });
    const perStack = planAll.seconds / 13;
    add({
      what: "golden-ami plan, 1 shared + 12 applied workloads, nothing to change: per stack",
      seconds: perStack,
      peakMiB: planAll.peakMiB,
      target: "≤ 0.6 × raw plan of one stack",
      met: perStack <= 0.6 * rawDefault.seconds,
    });
    add({ what: "  the same, whole run (13 stacks, default concurrency)", seconds: planAll.seconds });
    add({ what: "  per stack as a ratio to one raw terraform plan (Go's default GC)", seconds: perStack / rawDefault.seconds });
    add({ what: `  per stack as a ratio to one raw terraform plan with GOGC=${TERRAFORM_GOGC}`, seconds: perStack / rawTuned.seconds });

    // Scaling: stacks planned from scratch (every resource to add, so show -json runs too).
    for (const count of [1, 13, 50]) {
      const curveDir = mkdtempSync(join(work, `curve-${count}-`));
      const curve = await manyWorkloadsIn(emulator, curveDir, count - 1);
      const curveEnv = { ...prepared.env, AMI_PIPELINE_CONFIG: curve, AMI_PIPELINE_STATE_DIR: curveDir };
      const first = await measure(process.execPath, [GOLDEN_AMI, "plan", "--outdir", join(curveDir, "out")], { env: curveEnv, runs: 1 });
      add({
        what: `scaling: golden-ami plan of ${count} stack(s) (first run, every resource new), per stack`,
        seconds: first.seconds / count,
        peakMiB: first.peakMiB,
      });
    }

    // Fleet over 1,000 workloads: generated local state files, AMIs on the emulator, no Terraform.
    const fleetWork = mkdtempSync(join(work, "fleet-"));
    const thousandConfig = manyWorkloads(fleetWork, 1000, true);
    const images = [];
    for (let build = 2; build <= 6; build++) images.push(await prepared.build(build));
    for (let i = 0; i < 1000; i++) {
      const ami = images[i % images.length];
      writeFileSync(
        join(fleetWork, `terraform.app-${i}.tfstate`),
        JSON.stringify({
          version: 4,
          outputs: { ami_id: { value: ami.imageId, type: "string" }, ami_name: { value: ami.name, type: "string" } },
          resources: [],
        }),
      );
    }
    const fleetEnv = { ...prepared.env, AMI_PIPELINE_CONFIG: thousandConfig, AMI_PIPELINE_STATE_DIR: fleetWork };
    const fleet = await measure(process.execPath, [GOLDEN_AMI, "fleet", "--json"], { env: fleetEnv, runs: 3 });
    add({ what: "golden-ami fleet, 1,000 workloads (local state, one image listing)", ...fleet, target: "< 10 s", met: fleet.seconds < 10 });

    // A build of the pipeline on the emulator's Image Builder, distributed to two regions: the whole
    // command as a user runs it, from start to each region's AMI.
    await emulator.reset();
    const buildDir = mkdtempSync(join(work, "build-"));
    const buildConfig = await writeScenarioConfig(emulator, {
      dir: buildDir,
      instanceRefresh: false,
      edit: (document) => document.setIn(["images", 0, "distribution", "regions"], document.createNode(["ap-northeast-1", "eu-west-1"])),
    });
    const twoRegions = await prepareScenario(emulator, buildDir, buildConfig);
    const build = await measure(process.execPath, [GOLDEN_AMI, "build", "sample", "--wait"], { env: twoRegions.env, runs: 3 });
    add({ what: "golden-ami build sample --wait on the emulator, AMIs in two regions", ...build, target: "≤ 10 s", met: build.seconds <= 10 });
  });

  // The scenarios' stack directories, states and configurations (~50 MB): kept only when a step failed.
  rmSync(work, { recursive: true, force: true });
  const unit = await measure(join(PROJECT_ROOT, "node_modules", ".bin", "jest"), ["--selectProjects", "unit", "--silent"], { runs: 1 });
  add({ what: "unit-test suite (jest --selectProjects unit)", ...unit });

  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${(await run("terraform", ["version"])).stdout.split("\n")[0]}`;
  const table = [
    `# Performance budget`,
    "",
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}; ${machine}. Median of ${RUNS} runs where repeated; peak = maximum resident set size.`,
    "",
    "| measurement | seconds | peak MiB | target | met |",
    "| --- | ---: | ---: | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.seconds.toFixed(2)} | ${r.peakMiB?.toFixed(0) ?? ""} | ${r.target ?? ""} | ${r.met === undefined ? "" : r.met ? "yes" : "**no**"} |`,
    ),
    "",
  ].join("\n");
  mkdirSync(resolve(PROJECT_ROOT, "bench"), { recursive: true });
  const results = resolve(PROJECT_ROOT, "bench", "RESULTS.md");
  writeFileSync(results, table);
  // Formatted as the linter wants it, so a fresh run can be committed as it is.
  await runChecked(join(PROJECT_ROOT, "node_modules", ".bin", "prettier"), ["--write", results], process.env);
  console.log(`\n${table}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
