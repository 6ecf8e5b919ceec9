import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { run, runOrThrow } from "../../lib/process";
import { stackOutputs } from "../../tools/emulator/inspect";
import { PublishedAmi } from "../../tools/emulator/publish-ami";
import { Scenario, startScenario } from "./helpers";

// The deploy path, rehearsed: plan → saved plan → apply of exactly that plan; a stale plan refused.
// Then the pull-request path: only the stacks a change touches are planned.
jest.setTimeout(600_000);

const ROOT = join(__dirname, "..", "..");
const STACK = "web-staging";
let scenario: Scenario;
let env: NodeJS.ProcessEnv;
let outdir: string;
const build = (number: number) => scenario.build(number);
let v3: PublishedAmi;

const goldenAmi = (...args: string[]) => run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), ...args], { cwd: ROOT, env });
const stackFile = (file: string) => join(outdir, "stacks", STACK, file);

beforeAll(async () => {
  scenario = await startScenario({ prefix: "reviewed" });
  ({ outdir, env } = scenario);
  await build(1);
});

describe("apply the reviewed plan", () => {
  it("applies exactly the saved plan", async () => {
    const planned = await goldenAmi("plan", STACK, "--outdir", outdir, "--json");
    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.stdout.trim())).toMatchObject({ stack: STACK, ok: true, changes: true });
    expect(existsSync(stackFile("plan"))).toBe(true);
    const applied = await goldenAmi("apply", STACK, "--outdir", outdir);
    expect(applied.stderr).toContain(`applied 1 saved plan(s): ${STACK}`);
    expect(applied.code).toBe(0);
    expect(await stackOutputs(outdir, STACK, env)).toMatchObject({ launch_template_latest_version: 1 });
  });

  it("with nothing to change, plans without `terraform show` and without init", async () => {
    const planned = await goldenAmi("plan", STACK, "--outdir", outdir, "--json");
    expect(JSON.parse(planned.stdout.trim())).toMatchObject({ stack: STACK, ok: true, changes: false });
    expect(existsSync(stackFile("plan.json"))).toBe(false); // show -json was not run
    expect(JSON.parse(readFileSync(stackFile("plan-summary.json"), "utf8"))).toMatchObject({ stack: STACK, status: "unchanged" });
    const report = await goldenAmi("report", "--outdir", outdir, "--json");
    expect(JSON.parse(report.stdout)).toMatchObject({ changed: [], failed: [] });
  });

  it("refuses a stale plan with a clear message and changes nothing", async () => {
    const v2 = await build(2);
    expect((await goldenAmi("plan", STACK, "--outdir", outdir)).code).toBe(0);
    // Someone applies in between: the reviewed plan no longer describes what apply would do.
    await runOrThrow("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd: join(outdir, "stacks", STACK), env });
    const versionAfterOutOfBand = (await stackOutputs(outdir, STACK, env)).launch_template_latest_version;
    const applied = await goldenAmi("apply", STACK, "--outdir", outdir);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain(`golden-ami: the saved plan of ${STACK} is stale`);
    expect(applied.stderr).toContain("changed nothing");
    expect(await stackOutputs(outdir, STACK, env)).toMatchObject({ ami_id: v2.imageId, launch_template_latest_version: versionAfterOutOfBand });
  });

  it("refuses to apply a stack that has no saved plan", async () => {
    const applied = await goldenAmi("apply", "web-production", "--outdir", outdir);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain("nothing was applied:\n  web-production: no saved plan; run `golden-ami plan` first");
  });

  it("refuses another stack's saved plan copied into a stack's directory, and changes neither stack", async () => {
    v3 = await build(3);
    expect((await goldenAmi("plan", STACK, "web-production", "--outdir", outdir)).code).toBe(0);
    const before = await stackOutputs(outdir, STACK, env);
    // Terraform would apply it with the backend recorded inside: web-staging's state, web-staging's template.
    copyFileSync(stackFile("plan"), join(outdir, "stacks", "web-production", "plan"));
    const applied = await goldenAmi("apply", "web-production", "--outdir", outdir);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('web-production: the saved plan was made for stack "web-staging", not for web-production');
    expect(applied.stderr).not.toContain("applying the saved plan");
    expect(await stackOutputs(outdir, STACK, env)).toEqual(before);
  });
});

describe("plan only what a change touches", () => {
  const synthesisInputs = ["config", "constructs", "stacks", "main.ts", "image-components", "package-lock.json"];

  it("--changed-since HEAD on an unchanged tree plans nothing and reports every stack unchanged by this change", async () => {
    const clean = (await run("git", ["diff", "--quiet", "HEAD", "--", ...synthesisInputs], { cwd: ROOT })).code === 0;
    if (!clean) console.warn("the working tree changes synthesis inputs: this case checks only that the command completes");
    const planned = await goldenAmi("plan", "--outdir", outdir, "--changed-since", "HEAD", "--json");
    expect(planned.code).toBe(0);
    if (clean) {
      expect(planned.stdout.trim()).toBe("");
      const report = await goldenAmi("report", "--outdir", outdir);
      expect(report.stdout).toContain("3 unchanged by this change");
      expect(report.stdout).toContain("| `web-staging` | ⏭️ unchanged by this change | not planned: its configuration is the same as on HEAD |");
    }
  });

  it("plans every stack when the base cannot be compared", async () => {
    const planned = await goldenAmi("plan", "--outdir", outdir, "--changed-since", "no-such-ref-anywhere", "--json");
    expect(planned.stderr).toContain("git cannot check out no-such-ref-anywhere");
    expect(
      planned.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).stack),
    ).toEqual(["shared", "web-production", "web-staging"]);
  });

  it("--shard splits the stacks as `stacks --shard` lists them", async () => {
    const listed = await goldenAmi("stacks", "--role", "all", "--shard", "2/2", "--json");
    expect(JSON.parse(listed.stdout).map((s: { stack: string }) => s.stack)).toEqual(["web-production"]);
    const planned = await goldenAmi("plan", "--outdir", outdir, "--shard", "2/2", "--json");
    expect(
      planned.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).stack),
    ).toEqual(["web-production"]);
  });
});

describe("golden-ami fleet (state outputs and image listings, no Terraform)", () => {
  it("shows which workload runs which build and how far behind the newest it is", async () => {
    const fleet = await goldenAmi("fleet", "--json");
    expect(fleet.code).toBe(0);
    const rows = JSON.parse(fleet.stdout) as Record<string, unknown>[];
    expect(rows.find((r) => r.workload === STACK)).toMatchObject({ runningBuild: 2, newestBuild: 3, newestAmi: v3.imageId, buildsBehind: 1, ageDays: 0 });
    expect(rows.find((r) => r.workload === "web-production")).toMatchObject({ newestBuild: 3, note: "no state (never applied)" });
    const table = await goldenAmi("fleet");
    expect(table.stdout.split("\n")[0]).toMatch(/^workload\s+environment\s+account\s+running AMI\s+build\s+newest\s+behind\s+age/);
    expect(table.stdout).toMatch(new RegExp(`${STACK}\\s+staging\\s+444455556666\\s+ami-[0-9a-f]+\\s+v2\\s+v3\\s+1\\s+0 d`));
  });
});

// After a merge each stack is planned again; golden-ami compare-reviewed lets it apply only when the
// plan is the one reviewed on the pull request (or differs by a newer AMI build), on real plans.
describe("the plan after the merge, compared with the reviewed plan", () => {
  /** The pull request's plan summaries, as its plan-summaries artifact carries them. */
  function reviewedSummaries(): string {
    const dir = join(mkdtempSync(join(tmpdir(), "reviewed-")), "cdktf.out");
    mkdirSync(join(dir, "stacks", STACK), { recursive: true });
    copyFileSync(join(outdir, "manifest.json"), join(dir, "manifest.json"));
    copyFileSync(stackFile("plan-summary.json"), join(dir, "stacks", STACK, "plan-summary.json"));
    return dir;
  }
  const planReadOnly = async () => expect((await goldenAmi("plan", "--read-only", STACK, "--outdir", outdir)).code).toBe(0);
  const compare = (reviewed: string) => goldenAmi("compare-reviewed", STACK, "--reviewed", reviewed, "--outdir", outdir);
  let reviewed: string;

  it("the same plan again: as reviewed, exit 0", async () => {
    await build(4);
    await planReadOnly();
    reviewed = reviewedSummaries();
    await planReadOnly();
    const result = await compare(reviewed);
    expect(result.stderr).toContain(`${STACK}: as reviewed`);
    expect(result.code).toBe(0);
  });

  it("a newer build published since the review: applies, naming both AMIs", async () => {
    const v5 = await build(5);
    await planReadOnly();
    const result = await compare(reviewed);
    expect(result.stderr).toMatch(new RegExp(`${STACK}: as reviewed, with a newer AMI build: .*reviewed, ${v5.imageId} \\(${v5.name}\\) now`));
    expect(result.code).toBe(0);
  });

  it("a change nobody reviewed (the group's size): exit 1, the attribute named", async () => {
    const document = parseDocument(readFileSync(scenario.configPath, "utf8"));
    document.setIn(["workloads", 0, "auto_scaling", "max_size"], 3);
    writeFileSync(scenario.configPath, document.toString());
    await planReadOnly();
    const result = await compare(reviewed);
    expect(result.code).toBe(1);
    // The group was in the reviewed plan too (its launch template version moves with the AMI): its size was not.
    expect(result.stderr).toMatch(new RegExp(`^${STACK}: NEEDS APPROVAL: aws_autoscaling_group\\.\\S+: max_size differ from the reviewed plan$`, "m"));
  });
});
