import fc from "fast-check";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitlabReport } from "../../lib/plan-report/gitlab";
import { readEnvironment } from "../../config/environment";
import { runInfoOf } from "../../lib/ci/run-info";
import { DEFAULT_COMMENT_LIMIT, GITLAB_NOTE_LIMIT, renderMarkdown, REPORT_MARKER } from "../../lib/plan-report/markdown";
import { ResourceChange, TerraformPlan } from "../../lib/plan-report/plan-json";
import { parsePlanJson, readStackPlans } from "../../lib/plan-report/read-plans";
import { countsLine, PlannedStack, StackSummary, summarizePlan } from "../../lib/plan-report/summarize";
import { run } from "../../lib/process";

const ROOT = join(__dirname, "..", "..");

// Fixtures are real Terraform plans (terraform_data, and AWS against the emulator): npm run
// fixtures:plans regenerates them, with each plan's own "Plan: …" line in expected-counts.json.
const FIXTURES = join(__dirname, "../fixtures/plans");
const SECRETS = ["hunter2-never-print-me", "another-secret-never-print-me"];
const plan = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as TerraformPlan;
const summary = (name: string) => summarizePlan(name, plan(name));
const planned = (name: string): PlannedStack => {
  const s = summary(name);
  if (s.status !== "changed" && s.status !== "unchanged") throw new Error(`${name} is ${s.status}`);
  return s;
};
const expectedCounts = JSON.parse(readFileSync(join(FIXTURES, "expected-counts.json"), "utf8")) as Record<string, string>;
const failedStack: StackSummary = { stack: "web-staging", status: "failed", error: readFileSync(join(FIXTURES, "errored.txt"), "utf8") };
const bytes = (text: string) => Buffer.byteLength(text, "utf8");

describe("plan report: counts the way Terraform does", () => {
  it.each(Object.entries(expectedCounts))("%s: the counts line is the one Terraform printed for the same plan", (name, terraformLine) => {
    const s = planned(name);
    const ours = countsLine(s.counts, s.outputs.length > 0);
    if (terraformLine.startsWith("Plan: ")) expect(ours).toBe(terraformLine);
    else if (terraformLine.startsWith("No changes.")) expect(ours).toBe("No changes.");
    else expect(ours).toBe("Changes to Outputs only."); // Terraform: "Changes to Outputs:"
  });

  it("replace: one add, one destroy and one replace, with Terraform's reason", () => {
    const s = planned("replace");
    expect(s.counts).toMatchObject({ add: 1, change: 0, destroy: 1, replace: 1 });
    expect(s.dangers).toEqual([
      { address: "aws_security_group.app", action: "replace", reason: "must be replaced: an argument cannot be updated in place (name)" },
    ]);
    expect(s.resources[0].attributes).toContainEqual({ name: "name", before: '"fixture-app"', after: '"fixture-app-renamed"' });
  });

  it("imports: counted as Terraform counts them, and shown with their id", () => {
    const s = planned("import");
    expect(s.counts).toMatchObject({ import: 1, add: 0, change: 0, destroy: 0 });
    expect(s.resources).toEqual([expect.objectContaining({ address: "aws_security_group.imported", importing: expect.stringMatching(/^sg-/) })]);
    expect(renderMarkdown([s])).toMatch(/` {2}aws_security_group\.imported` imported \(id `sg-[0-9a-f]+`\)/);
  });

  it("moves and forgets: shown, and the stack is not 'no changes'", () => {
    const s = planned("refactor");
    expect(s.status).toBe("changed");
    expect(s.counts).toMatchObject({ move: 1, forget: 1 });
    const markdown = renderMarkdown([s]);
    expect(markdown).toContain("`  terraform_data.a2` moved from `terraform_data.a`");
    expect(markdown).toContain("`. terraform_data.c` forget: removed from state, not destroyed");
    expect(markdown).toContain("1 moved, 1 forgotten: left in AWS, no longer managed");
  });

  it("deposed objects: destroyed, named as deposed, in the danger banner", () => {
    const s = planned("deposed");
    expect(s.counts).toMatchObject({ destroy: 1 });
    expect(s.dangers).toEqual([expect.objectContaining({ address: "terraform_data.a (deposed object 00000001)", action: "delete" })]);
    expect(renderMarkdown([s])).toContain("`terraform_data.a (deposed object 00000001)` **destroyed**");
  });

  it("output-only changes: a change, with names, and values only where not sensitive", () => {
    const s = planned("outputs-only");
    expect(s.status).toBe("changed");
    expect(s.outputs).toEqual([{ name: "plain", action: "update", before: '"p1"', after: '"p3"' }]);
    expect(renderMarkdown([s])).toContain('- `plain` update: `"p1"` → `"p3"`');
    const refactor = planned("refactor");
    expect(refactor.outputs).toEqual(
      expect.arrayContaining([
        { name: "hidden", action: "update", before: "(sensitive)", after: "(sensitive)" },
        { name: "plain", action: "update", before: '"p1"', after: '"p2"' },
      ]),
    );
  });

  it("drift: changed and deleted outside Terraform", () => {
    expect(planned("drift").drift).toEqual([
      expect.objectContaining({
        address: "aws_security_group.app",
        attributes: expect.arrayContaining([{ name: "tags", before: '{"Team":"platform"}', after: '{"Team":"changed-by-hand"}' }]),
      }),
    ]);
    const deleted = planned("drift-deleted");
    expect(deleted.drift).toEqual([expect.objectContaining({ address: "aws_security_group.app", action: "delete" })]);
    expect(renderMarkdown([deleted])).toContain("- `aws_security_group.app` deleted outside Terraform");
  });
});

describe("plan report: failures are failures", () => {
  it("an errored plan (Terraform's errored: true) is failed, never 'no changes'", () => {
    expect(plan("errored").errored).toBe(true);
    const s = summary("errored");
    expect(s.status).toBe("failed");
    const markdown = renderMarkdown([s]);
    expect(markdown).toContain("| `errored` | ❌ failed |");
    expect(markdown).not.toContain("no changes");
  });

  it("a failed stack's error text is shown, and named in a banner", () => {
    const markdown = renderMarkdown([failedStack, planned("no-changes")]);
    expect(markdown).toContain("> **1 stack failed to plan:** `web-staging`.");
    expect(markdown).toContain("### web-staging: plan failed");
    expect(markdown).toContain('No AMI of image "sample" is available');
  });

  function outdirWith(plans: Record<string, string | undefined>): string {
    const outdir = mkdtempSync(join(tmpdir(), "report-"));
    const stacks: Record<string, { name: string; workingDirectory: string }> = {};
    for (const [name, content] of Object.entries(plans)) {
      mkdirSync(join(outdir, "stacks", name), { recursive: true });
      stacks[name] = { name, workingDirectory: `stacks/${name}` };
      if (content !== undefined) writeFileSync(join(outdir, "stacks", name, "plan.json"), content);
    }
    writeFileSync(join(outdir, "manifest.json"), JSON.stringify({ stacks }));
    return outdir;
  }

  it("one unreadable plan file fails that stack only; the others are reported", () => {
    const good = readFileSync(join(FIXTURES, "replace.json"), "utf8");
    const stacks = readStackPlans(outdirWith({ broken: "{ not json", good, absent: undefined }));
    expect(stacks.map((s) => [s.stack, s.status])).toEqual([
      ["absent", "not planned"],
      ["broken", "failed"],
      ["good", "changed"],
    ]);
  });

  it("a plan-summary.json that is not a valid summary fails that stack only, naming the file and the field", () => {
    const outdir = outdirWith({ partial: undefined, foreign: undefined, bad: undefined, good: readFileSync(join(FIXTURES, "replace.json"), "utf8") });
    // What a broken or hostile shard could upload: its stack and status, but no lists.
    writeFileSync(join(outdir, "stacks", "partial", "plan-summary.json"), JSON.stringify({ stack: "partial", status: "changed" }));
    writeFileSync(join(outdir, "stacks", "foreign", "plan-summary.json"), JSON.stringify({ stack: "other", status: "not planned" }));
    writeFileSync(join(outdir, "stacks", "bad", "plan-summary.json"), "{}");
    const stacks = readStackPlans(outdir);
    expect(stacks.map((s) => [s.stack, s.status])).toEqual([
      ["bad", "failed"],
      ["foreign", "failed"],
      ["good", "changed"],
      ["partial", "failed"],
    ]);
    const errors = Object.fromEntries(stacks.map((s) => [s.stack, s.status === "failed" ? s.error : ""]));
    expect(errors.partial).toMatch(/^plan-summary\.json is not a valid plan summary: counts: /);
    expect(errors.foreign).toBe('plan-summary.json is not a valid plan summary: it is the summary of "other", not of foreign');
    expect(errors.bad).toMatch(/^plan-summary\.json is not a valid plan summary: status: /);
    expect(renderMarkdown(stacks)).toContain("> **3 stacks failed to plan:**");
  });

  it.each([
    ["missing", undefined, /manifest\.json does not exist: nothing was synthesized into/],
    ["empty", "", /manifest\.json is empty: synthesize again/],
    ["truncated", '{"stacks": {"web-stag', /manifest\.json is not JSON, truncated\?/],
    ["an empty object", "{}", /manifest\.json is not a cdktf manifest: stacks: /],
    [
      "naming one stack twice",
      JSON.stringify({ stacks: { a: { name: "web", workingDirectory: "stacks/a" }, b: { name: "web", workingDirectory: "stacks/b" } } }),
      /manifest\.json names stack "web" twice \(entries "a" and "b"\); expected each stack once: synthesize again/,
    ],
  ])("report with a manifest that is %s: one line naming the file, exit 1", async (_, manifest, message) => {
    const outdir = mkdtempSync(join(tmpdir(), "report-manifest-"));
    if (manifest !== undefined) writeFileSync(join(outdir, "manifest.json"), manifest);
    const result = await run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "report", "--outdir", outdir], { cwd: ROOT });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it("a plan Terraform marked incomplete (complete: false) is a failed stack, never 'unchanged'", () => {
    const s = summarizePlan("web-staging", { ...plan("no-changes"), complete: false });
    expect(s).toEqual({ stack: "web-staging", status: "failed", error: expect.stringContaining("Terraform marked the plan incomplete (complete: false)") });
    expect(renderMarkdown([s])).toContain("> **1 stack failed to plan:** `web-staging`.");
  });

  it("an action the report does not know fails the stack naming it, instead of rendering 'changes' and 'undefined'", () => {
    const replace = plan("replace");
    const [first, ...rest] = replace.resource_changes ?? [];
    const odd = { ...replace, resource_changes: [{ ...first, change: { ...first.change, actions: ["frobnicate"] } }, ...rest] };
    const s = summarizePlan("web-staging", odd);
    expect(s).toEqual({ stack: "web-staging", status: "failed", error: expect.stringContaining(`"frobnicate" on ${first.address}`) });
    const markdown = renderMarkdown([s]);
    expect(markdown).not.toContain("undefined");
    expect(markdown).not.toContain("No changes.");
  });

  it("a comment limit too small to keep the marker whole is refused: exit 2 from the CLI, RangeError from the renderer", async () => {
    const result = await run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "report", "--limit-bytes", "10", "--outdir", outdirWith({})], {
      cwd: ROOT,
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      "golden-ami: option '--limit-bytes <n>' argument '10' is invalid. expected at least 512 bytes (the marker that finds the comment again, a headline and the cut note), got 10",
    );
    expect(() => renderMarkdown([planned("replace")], { limitBytes: 511 })).toThrow(RangeError);
    const smallest = renderMarkdown(
      Array.from({ length: 50 }, () => failedStack),
      { limitBytes: 512 },
    );
    expect(bytes(smallest)).toBeLessThanOrEqual(512);
    expect(smallest.startsWith(`${REPORT_MARKER}\n`)).toBe(true);
  });

  it("reads a plan captured with a CI wrapper's [command] line around it", () => {
    const good = readFileSync(join(FIXTURES, "replace.json"), "utf8");
    const wrapped = `[command]/home/runner/terraform show -json plan\n${good}\n::debug::exitcode: 0\n`;
    expect(parsePlanJson(wrapped)).toEqual(JSON.parse(good));
    expect(readStackPlans(outdirWith({ wrapped }))[0].status).toBe("changed");
  });

  it("GitLab reports agree: counts for planned stacks, an error (not zeros) for failed ones", () => {
    expect(gitlabReport(planned("replace"))).toEqual({ create: 1, update: 0, delete: 1 });
    expect(gitlabReport(failedStack)).toEqual({ error: "plan of web-staging failed" });
    expect(gitlabReport({ stack: "x", status: "not planned" })).toBeUndefined();
  });
});

describe("plan report: secrets", () => {
  it("never prints a sensitive value from any real plan", () => {
    for (const name of Object.keys(expectedCounts)) {
      const markdown = renderMarkdown([summary(name)], { limitBytes: GITLAB_NOTE_LIMIT });
      for (const secret of SECRETS) expect(markdown).not.toContain(secret);
    }
    expect(planned("sensitive").resources[0].attributes).toContainEqual({ name: "value", before: "(sensitive)", after: "(sensitive)" });
  });

  it("never shows user data, only its size and digest: it is what templates and variables render", () => {
    const boot = (level: string) => Buffer.from(`#cloud-config\nAPP_LOG_LEVEL=${level}\nDB_HOST=internal.example\n`).toString("base64");
    const s = summarizePlan("web", {
      format_version: "1.2",
      resource_changes: [
        {
          address: "aws_launch_template.web",
          mode: "managed",
          type: "aws_launch_template",
          name: "web",
          change: {
            actions: ["update"],
            before: { user_data: boot("info"), image_id: "ami-1" },
            after: { user_data: boot("debug"), image_id: "ami-1" },
            after_unknown: {},
          },
        },
      ],
    } as TerraformPlan);
    if (s.status !== "changed") throw new Error(s.status);
    const [attribute] = s.resources[0].attributes;
    expect(attribute.name).toBe("user_data");
    expect(attribute.before).toMatch(/^\(\d+ bytes, sha256 [0-9a-f]{12}\)$/);
    expect(attribute.after).toMatch(/^\(\d+ bytes, sha256 [0-9a-f]{12}\)$/);
    expect(attribute.before).not.toBe(attribute.after);
    const markdown = renderMarkdown([s], { limitBytes: GITLAB_NOTE_LIMIT });
    expect(markdown).not.toContain(boot("debug").slice(0, 16));
    expect(markdown).toContain("user_data");
  });

  it("judges each side by its own marks: a list sensitive before and not after hides the old secret", () => {
    const list = planned("refactor").resources.find((r) => r.address === "terraform_data.list")!;
    const json = plan("refactor").resource_changes!.find((r) => r.address === "terraform_data.list")!;
    expect(JSON.stringify(json.change.before_sensitive)).toContain("true");
    expect(JSON.stringify(json.change.before)).toContain(SECRETS[0]);
    for (const attribute of list.attributes) expect(`${attribute.before} ${attribute.after}`).not.toContain(SECRETS[0]);
  });

  it("plans older than format 1.0 (no sensitivity marks) show counts only", () => {
    const old = { ...plan("sensitive"), format_version: "0.2" } as TerraformPlan;
    const s = summarizePlan("old", old);
    if (s.status !== "changed") throw new Error(s.status);
    expect(s.detailed).toBe(false);
    expect(s.resources.every((r) => r.attributes.length === 0)).toBe(true);
    const markdown = renderMarkdown([s]);
    for (const secret of SECRETS) expect(markdown).not.toContain(secret);
    expect(markdown).toContain("older than 1.0: counts only");
  });
});

describe("plan report: AMI updates", () => {
  it("names the old and new AMI of each launch template", () => {
    const s = planned("ami-update");
    const template = plan("ami-update").resource_changes!.find((r) => r.type === "aws_launch_template")!;
    const before = (template.change.before as { image_id: string }).image_id;
    const after = (template.change.after as { image_id: string }).image_id;
    expect(s.amiUpdates).toEqual([
      {
        address: template.address,
        from: { id: before, name: expect.stringMatching(/^sample_v1_/) },
        to: { id: after, name: expect.stringMatching(/^sample_v2_/) },
        direction: "newer",
      },
    ]);
    const markdown = renderMarkdown([s]);
    expect(markdown).toContain("**1 launch template moves to a new AMI**");
    expect(markdown).toContain(`\`image_id\`: \`"${before}"\` → \`"${after}"\``);
    expect(markdown).not.toContain("older build");
  });

  it("flags a move to an OLDER build (the running AMI was deregistered) as a step back", () => {
    const json = plan("ami-update");
    const template = json.resource_changes!.find((r) => r.type === "aws_launch_template")!;
    const [b, a] = [template.change.before as Record<string, unknown>, template.change.after as Record<string, unknown>];
    [b.image_id, a.image_id] = [a.image_id, b.image_id];
    const outputs = json.output_changes as Record<string, { before: unknown; after: unknown }>;
    for (const name of ["ami_id", "ami_name"]) [outputs[name].before, outputs[name].after] = [outputs[name].after, outputs[name].before];
    const s = summarizePlan("ami-update", json);
    if (s.status !== "changed") throw new Error(s.status);
    expect(s.amiUpdates).toEqual([
      expect.objectContaining({ direction: "older", to: expect.objectContaining({ name: expect.stringMatching(/^sample_v1_/) }) }),
    ]);
    const markdown = renderMarkdown([s]);
    expect(markdown).toContain("⚠️ **1 launch template steps back to an older AMI build**");
    expect(markdown).toMatch(/`sample_v1_\S+` ⚠️ \*\*older build: a step back\*\* \|/);
  });
});

describe("plan report: the comment", () => {
  const all = [summary("ami-update"), summary("no-changes"), summary("replace"), failedStack];

  it("starts with the marker, then the headline, banners and one table row per stack", () => {
    const markdown = renderMarkdown(all);
    const lines = markdown.split("\n");
    expect(lines[0]).toBe(REPORT_MARKER);
    expect(lines[1]).toBe("## Terraform plan: 2 changed, 1 unchanged, 1 failed");
    expect(markdown).toContain("| `replace` | 🔴 destroys | Plan: 1 to add, 0 to change, 1 to destroy. (1 replaced) |");
    expect(markdown).toContain("| `no-changes` | ✅ no changes | No changes. |");
    expect(markdown).toContain("> **1 resource will be destroyed or replaced** (1 replaced):");
  });

  it("links the CI run and commit from GitHub's or GitLab's environment", () => {
    const github = runInfoOf(
      readEnvironment({
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "acme/amis",
        GITHUB_RUN_ID: "42",
        GITHUB_SHA: "0123456789abcdef0123",
      }),
    );
    expect(github).toEqual({ url: "https://github.com/acme/amis/actions/runs/42", commit: "0123456789abcdef0123" });
    expect(runInfoOf(readEnvironment({ CI_JOB_URL: "https://gitlab.example/j/1", CI_COMMIT_SHA: "abc" }))).toEqual({
      url: "https://gitlab.example/j/1",
      commit: "abc",
    });
    expect(renderMarkdown(all, { run: github })).toContain("[CI run](https://github.com/acme/amis/actions/runs/42) · commit `0123456789ab`");
  });
});

describe("plan report: never too big to post", () => {
  const template = plan("replace").resource_changes![0];
  const launchTemplate = plan("ami-update").resource_changes!.find((r) => r.type === "aws_launch_template")!;
  const copies = (change: ResourceChange, n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => ({ ...change, address: `${prefix}_${i}`, name: `${prefix}_${i}` }));

  it("a 5,000-change plan with thousands of AMI updates stays under the limit, deletions still named", () => {
    const huge = summarizePlan("huge", {
      format_version: "1.2",
      resource_changes: [...copies(template, 2500, "aws_security_group.app"), ...copies(launchTemplate, 2500, "aws_launch_template.web")],
    });
    const markdown = renderMarkdown([huge]);
    expect(bytes(markdown)).toBeLessThanOrEqual(DEFAULT_COMMENT_LIMIT);
    expect(markdown).toContain("`aws_security_group.app_0` **replaced**");
    expect(markdown).toMatch(/… and \d+ more (deletions and replacements|AMI updates)/);
    expect(markdown).toContain("_Left out to stay under");
  });

  it("200 failed stacks with long errors stay under the limit, all named as failed", () => {
    const failures: StackSummary[] = Array.from({ length: 200 }, (_, i) => ({ stack: `workload-${i}`, status: "failed", error: `Error: ${"x".repeat(5000)}` }));
    const markdown = renderMarkdown(failures);
    expect(bytes(markdown)).toBeLessThanOrEqual(DEFAULT_COMMENT_LIMIT);
    expect(markdown).toContain("## Terraform plan: 0 changed, 0 unchanged, 200 failed");
    expect(markdown).toContain("> **200 stacks failed to plan:**");
  });

  it("leaves out attribute details first, resource lists only when still too big", () => {
    const medium = [summarizePlan("medium", { format_version: "1.2", resource_changes: copies(template, 150, "aws_security_group.app") })];
    const full = renderMarkdown(medium, { limitBytes: GITLAB_NOTE_LIMIT });
    expect(full).toContain("`name`: ");
    const smaller = renderMarkdown(medium, { limitBytes: bytes(full) - 1 });
    expect(smaller).not.toContain("`name`: ");
    expect(smaller).toContain("`-/+ aws_security_group.app_149` replace");
    expect(smaller).toContain("Left out to stay under");
    expect(renderMarkdown(medium, { limitBytes: 10_000_000 })).not.toContain("Left out");
  });

  // Property: for random plans of any size, the comment never exceeds the limit and never holds a secret.
  const SECRET = "s3cr3t-value-never-print";
  const attribute = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.constant(SECRET),
    fc.integer(),
    fc.array(fc.oneof(fc.string(), fc.constant(SECRET)), { maxLength: 5 }),
  );
  const resource = fc.record({
    address: fc.stringMatching(/^[a-z_]{1,20}\.[a-z0-9_]{1,40}$/),
    actions: fc.constantFrom(["create"], ["update"], ["delete"], ["delete", "create"], ["create", "delete"], ["no-op"], ["forget"]),
    before: fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), attribute, { maxKeys: 6 }),
    after: fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), attribute, { maxKeys: 6 }),
  });
  /** Marks every attribute whose value holds the secret, on its own side, as Terraform would. */
  const marks = (values: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(values)
        .filter(([, v]) => JSON.stringify(v).includes(SECRET))
        .map(([k]) => [k, true]),
    );
  const stack = fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
    failed: fc.boolean(),
    error: fc.string({ maxLength: 3000 }),
    resources: fc.array(resource, { maxLength: 400 }),
  });

  it("property: any set of stacks renders within the limit and without a sensitive value", () => {
    fc.assert(
      fc.property(fc.array(stack, { maxLength: 30 }), fc.integer({ min: 2_000, max: 70_000 }), (stacks, limit) => {
        const summaries: StackSummary[] = stacks.map((s, i) =>
          s.failed
            ? { stack: `${s.name}-${i}`, status: "failed", error: s.error }
            : summarizePlan(`${s.name}-${i}`, {
                format_version: "1.2",
                resource_changes: s.resources.map((r) => ({
                  address: r.address,
                  type: r.address.split(".")[0],
                  change: {
                    actions: r.actions,
                    before: r.before,
                    after: r.after,
                    before_sensitive: marks(r.before),
                    after_sensitive: marks(r.after),
                    after_unknown: {},
                  },
                })),
              }),
        );
        const markdown = renderMarkdown(summaries, { limitBytes: limit });
        expect(bytes(markdown)).toBeLessThanOrEqual(limit);
        expect(markdown).not.toContain(SECRET);
      }),
      { numRuns: 150 },
    );
  });
});
