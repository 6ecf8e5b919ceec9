import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gitlabReport } from "../../lib/plan-report/gitlab";
import { GITLAB_NOTE_LIMIT, renderMarkdown, REPORT_MARKER, runInfoFromEnv } from "../../lib/plan-report/markdown";
import { TerraformPlan } from "../../lib/plan-report/plan-json";
import { StackSummary, summarizePlan } from "../../lib/plan-report/summarize";

// Fixtures are real Terraform plans against the emulator: npm run fixtures:plans regenerates them.
const FIXTURES = join(__dirname, "../fixtures/plans");
const SECRETS = ["hunter2-never-print-me", "another-secret-never-print-me"];
const plan = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as TerraformPlan;
const summary = (name: string) => summarizePlan(name, plan(name));
const changed = (name: string) => {
  const s = summary(name);
  if (s.status !== "changed") throw new Error(`${name} is ${s.status}`);
  return s;
};
const errored: StackSummary = { stack: "web-staging", status: "failed", error: readFileSync(join(FIXTURES, "errored.txt"), "utf8") };

describe("plan report: one stack at a time", () => {
  it("no changes", () => {
    expect(summary("no-changes")).toMatchObject({ status: "unchanged", counts: { add: 0, change: 0, destroy: 0, replace: 0 }, resources: [], amiUpdates: [] });
    expect(renderMarkdown([summary("no-changes")])).toContain("| `no-changes` | ✅ no changes | 0 | 0 | 0 | 0 |");
  });

  it("first deploy: every resource is an add", () => {
    const s = changed("first-deploy");
    expect(s.counts).toEqual({ add: 2, change: 0, destroy: 0, replace: 0 });
    expect(s.resources.map((r) => [r.address, r.action])).toEqual([
      ["aws_security_group.app", "create"],
      ["aws_ssm_parameter.db_password", "create"],
    ]);
    expect(s.resources[0].attributes).toContainEqual({ name: "name", before: undefined, after: '"fixture-app"' });
    expect(s.resources[0].attributes).toContainEqual({ name: "id", before: undefined, after: "(known after apply)" });
  });

  it("AMI update: the launch template's old and new AMI, ids and names, called out", () => {
    const s = changed("ami-update");
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
    expect(markdown).toMatch(
      new RegExp(`\\| \`ami-update\` \\| \`${template.address.replace(".", "\\.")}\` \\| \`${before}\` \`sample_v1_\\S+\` \\| \`${after}\` \`sample_v2_`),
    );
    expect(markdown).toContain(`\`image_id\`: \`"${before}"\` → \`"${after}"\``);
    expect(markdown).toContain("`latest_version`: `1` → (known after apply)");
    expect(markdown).not.toContain("older build");
  });

  it("AMI update to an OLDER build (the running AMI was deregistered): flagged as a step back", () => {
    // The same real plan, read backwards: v2 is running and the lookup now finds v1.
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

  it("replace: counted as one add, one destroy and one replace, like Terraform", () => {
    const s = changed("replace");
    expect(s.counts).toEqual({ add: 1, change: 0, destroy: 1, replace: 1 });
    expect(renderMarkdown([s])).toContain("`-/+ aws_security_group.app` replace");
    expect(s.resources[0].attributes).toContainEqual({ name: "name", before: '"fixture-app"', after: '"fixture-app-renamed"' });
  });

  it("destroy", () => {
    const s = changed("destroy");
    expect(s.counts).toEqual({ add: 0, change: 0, destroy: 1, replace: 0 });
    expect(renderMarkdown([s])).toContain("`- aws_ssm_parameter.db_password` delete");
  });

  it("sensitive values show as (sensitive), never their value", () => {
    for (const name of ["first-deploy", "sensitive"]) {
      expect(JSON.stringify(plan(name))).toContain(SECRETS[0]); // the plan itself holds it...
      const markdown = renderMarkdown([summary(name)]);
      for (const secret of SECRETS) expect(markdown).not.toContain(secret); // ...the comment never does
    }
    expect(changed("sensitive").resources[0].attributes).toContainEqual({ name: "value", before: "(sensitive)", after: "(sensitive)" });
  });

  it("drift: resources changed outside Terraform, with what changed", () => {
    const s = changed("drift");
    expect(s.drift).toEqual([
      expect.objectContaining({
        address: "aws_security_group.app",
        attributes: expect.arrayContaining([{ name: "tags", before: '{"Team":"platform"}', after: '{"Team":"changed-by-hand"}' }]),
      }),
    ]);
    expect(renderMarkdown([s])).toContain("Changed outside Terraform (drift): 1 resource");
  });

  it("errored plan: the stack is failed and its error is shown", () => {
    const markdown = renderMarkdown([errored]);
    expect(markdown).toContain("| `web-staging` | ❌ failed |");
    expect(markdown).toContain("### web-staging: plan failed");
    expect(markdown).toContain('No AMI of image "sample" is available');
  });
});

describe("plan report: the comment", () => {
  const all = [summary("ami-update"), summary("no-changes"), summary("replace"), errored];

  it("starts with the marker the comment is found by, then the headline and one table row per stack", () => {
    const lines = renderMarkdown(all).split("\n");
    expect(lines[0]).toBe(REPORT_MARKER);
    expect(lines[1]).toBe("## Terraform plan: 2 changed, 1 unchanged, 1 failed");
    expect(lines.filter((l) => /^\| `[^`]+` \|/.test(l))).toHaveLength(4 + 1); // 4 stacks + 1 AMI update row
  });

  it("links the CI run and commit from GitHub's or GitLab's environment", () => {
    const github = runInfoFromEnv({
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "acme/amis",
      GITHUB_RUN_ID: "42",
      GITHUB_SHA: "0123456789abcdef0123",
    });
    expect(github).toEqual({ url: "https://github.com/acme/amis/actions/runs/42", commit: "0123456789abcdef0123" });
    expect(runInfoFromEnv({ CI_JOB_URL: "https://gitlab.example/j/1", CI_COMMIT_SHA: "abc" })).toEqual({ url: "https://gitlab.example/j/1", commit: "abc" });
    expect(renderMarkdown(all, { run: github })).toContain("[CI run](https://github.com/acme/amis/actions/runs/42) · commit `0123456789ab`");
  });

  it("writes GitLab's terraform report per stack", () => {
    expect(gitlabReport(summary("replace"))).toEqual({ create: 1, update: 0, delete: 1 });
    expect(gitlabReport(summary("ami-update"))).toEqual({ create: 0, update: 3, delete: 0 });
    expect(gitlabReport(errored)).toEqual({ create: 0, update: 0, delete: 0 });
  });
});

describe("plan report: size limit", () => {
  /** A generated plan of `n` real resource changes (copies of the fixture's security group replacement). */
  function bigPlan(n: number): TerraformPlan {
    const [template] = plan("replace").resource_changes!;
    return {
      format_version: "1.2",
      resource_changes: Array.from({ length: n }, (_, i) => ({ ...template, address: `aws_security_group.app_${i}`, name: `app_${i}` })),
    };
  }
  const big = [summarizePlan("big", bigPlan(5000)), summary("ami-update"), errored];

  it("keeps a 5,000-resource plan under GitHub's 65,536 bytes with headline, table and AMI updates intact", () => {
    const markdown = renderMarkdown(big);
    expect(Buffer.byteLength(markdown, "utf8")).toBeLessThanOrEqual(65_536);
    expect(markdown).toContain("## Terraform plan: 2 changed, 0 unchanged, 1 failed");
    expect(markdown).toContain("| `big` | 🟡 changes | 5000 | 0 | 5000 | 5000 |");
    expect(markdown).toContain("### AMI updates");
    expect(markdown).toContain("Changes: 5000 resources.");
    expect(markdown).toContain("_Left out to stay under 65,536 bytes: changed attributes, resource lists.");
  });

  it("leaves out attribute details first, resource lists only when still too big", () => {
    const medium = [summarizePlan("medium", bigPlan(150))];
    const full = renderMarkdown(medium, { limitBytes: GITLAB_NOTE_LIMIT });
    expect(full).toContain("`name`: ");
    const smaller = renderMarkdown(medium, { limitBytes: Buffer.byteLength(full) - 1 });
    expect(smaller).not.toContain("`name`: ");
    expect(smaller).toContain("`-/+ aws_security_group.app_149` replace");
    expect(smaller).toContain("Left out to stay under");
  });

  it("says nothing was left out when everything fits", () => {
    expect(renderMarkdown(big, { limitBytes: 10_000_000 })).not.toContain("Left out");
  });
});
