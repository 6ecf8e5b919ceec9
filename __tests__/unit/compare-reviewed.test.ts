// The applied plan is the reviewed plan, or a person approves: the plan made after the merge is
// compared with the pull request's on resources, actions, changed attributes and AMI ids.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareWithReviewed, sameImageNewerBuild } from "../../lib/plan-report/compare-reviewed";
import type { PlannedStack } from "../../lib/plan-report/summarize";
import { run } from "../../lib/process";

const LT = "aws_launch_template.LaunchTemplate";
const V5 = { id: "ami-0aaaaaaaaaaaaaaa5", name: "sample_v5_2026-11-20T00-00-00.000Z" };
const V6 = { id: "ami-0bbbbbbbbbbbbbbb6", name: "sample_v6_2026-11-21T00-00-00.000Z" };
const V7 = { id: "ami-0ccccccccccccccc7", name: "sample_v7_2026-11-22T00-00-00.000Z" };

/** web-staging moving its launch template from v5 to `to`, plus any other changes. */
function stagingPlan(to = V6, extra: Partial<PlannedStack> = {}): PlannedStack {
  return {
    stack: "web-staging",
    status: "changed",
    counts: { import: 0, add: 0, change: 1, destroy: 0, forget: 0, replace: 0, move: 0 },
    resources: [
      {
        address: LT,
        type: "aws_launch_template",
        action: "update",
        attributes: [{ name: "image_id", before: JSON.stringify(V5.id), after: JSON.stringify(to.id) }],
      },
    ],
    drift: [],
    amiUpdates: [{ address: LT, from: V5, to, direction: "newer" }],
    outputs: [],
    dangers: [],
    detailed: true,
    ...extra,
  };
}

describe("compare with the reviewed plan", () => {
  it("identical: applied", () => {
    expect(compareWithReviewed(stagingPlan(), stagingPlan())).toEqual({ stack: "web-staging", verdict: "apply" });
  });

  it("only a newer build of the same image published since the review: applied, and said so", () => {
    expect(compareWithReviewed(stagingPlan(V7), stagingPlan(V6))).toEqual({
      stack: "web-staging",
      verdict: "apply-newer-ami",
      amis: [`${LT}: ${V6.id} (${V6.name}) reviewed, ${V7.id} (${V7.name}) now`],
    });
  });

  it("an older build, or another image, than the reviewed one: a person approves", () => {
    const older = compareWithReviewed({ ...stagingPlan(V6), amiUpdates: [{ address: LT, from: V5, to: V6, direction: "older" }] }, stagingPlan(V7));
    expect(older).toEqual({
      stack: "web-staging",
      verdict: "approve",
      reasons: [expect.stringContaining(`reviewed AMI ${V7.id}, now ${V6.id}, which is not a newer build`)],
    });
    expect(sameImageNewerBuild(V6.name, "other_v9_2026-11-22T00-00-00.000Z")).toBe(false);
  });

  it("a different attribute value: named, and a person approves", () => {
    const resized = stagingPlan(V6, {
      resources: [
        ...stagingPlan().resources,
        {
          address: "aws_autoscaling_group.Group",
          type: "aws_autoscaling_group",
          action: "update",
          attributes: [{ name: "max_size", before: "2", after: "20" }],
        },
      ],
    });
    const reviewed = stagingPlan(V6, {
      resources: [
        ...stagingPlan().resources,
        {
          address: "aws_autoscaling_group.Group",
          type: "aws_autoscaling_group",
          action: "update",
          attributes: [{ name: "max_size", before: "2", after: "4" }],
        },
      ],
    });
    expect(compareWithReviewed(resized, reviewed)).toEqual({
      stack: "web-staging",
      verdict: "approve",
      reasons: ["aws_autoscaling_group.Group: max_size differ from the reviewed plan"],
    });
  });

  it("a resource the review did not see, or a destroy: a person approves, whatever else matches", () => {
    const destroy = stagingPlan(V6, {
      resources: [...stagingPlan().resources, { address: "aws_security_group.Sg", type: "aws_security_group", action: "delete", attributes: [] }],
      dangers: [{ address: "aws_security_group.Sg", action: "delete" }],
    });
    expect(compareWithReviewed(destroy, destroy)).toEqual({
      stack: "web-staging",
      verdict: "approve",
      reasons: ["aws_security_group.Sg would be destroyed: always approved by a person"],
    });
    expect(compareWithReviewed(destroy, stagingPlan())).toMatchObject({
      verdict: "approve",
      reasons: expect.arrayContaining(["aws_security_group.Sg (delete) was not in the reviewed plan"]),
    });
  });

  it("a stack the pull request did not plan, or whose plan failed: a person approves; nothing to do: applied", () => {
    expect(compareWithReviewed(stagingPlan(), undefined)).toEqual({
      stack: "web-staging",
      verdict: "approve",
      reasons: ["the pull request did not plan it: nobody reviewed a plan"],
    });
    expect(compareWithReviewed(stagingPlan(), { stack: "web-staging", status: "failed", error: "boom" })).toMatchObject({ verdict: "approve" });
    expect(compareWithReviewed({ ...stagingPlan(), status: "unchanged", resources: [], amiUpdates: [] }, undefined)).toEqual({
      stack: "web-staging",
      verdict: "apply",
      note: "no changes",
    });
  });
});

describe("golden-ami compare-reviewed", () => {
  /** A cdktf output directory holding plan summaries, as the plan jobs upload them. */
  function summaries(plans: PlannedStack[]): string {
    const outdir = join(mkdtempSync(join(tmpdir(), "compare-")), "cdktf.out");
    const stacks = Object.fromEntries(plans.map((p) => [p.stack, { name: p.stack, workingDirectory: `stacks/${p.stack}` }]));
    mkdirSync(outdir, { recursive: true });
    writeFileSync(join(outdir, "manifest.json"), JSON.stringify({ stacks }));
    for (const plan of plans) {
      mkdirSync(join(outdir, "stacks", plan.stack), { recursive: true });
      writeFileSync(join(outdir, "stacks", plan.stack, "plan-summary.json"), JSON.stringify(plan));
    }
    return outdir;
  }
  const compare = (current: string, reviewed: string, markdown: string) =>
    run(process.execPath, [
      join(__dirname, "..", "..", "bin", "golden-ami.js"),
      "compare-reviewed",
      "--reviewed",
      reviewed,
      "--outdir",
      current,
      "--markdown",
      markdown,
    ]);

  it("exit 0 when every stack is as reviewed (a newer build included), exit 1 naming what differs", async () => {
    const markdown = join(mkdtempSync(join(tmpdir(), "compare-")), "verdict.md");
    const ok = await compare(summaries([stagingPlan(V7)]), summaries([stagingPlan(V6)]), markdown);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain("web-staging: as reviewed, with a newer AMI build");
    expect(readFileSync(markdown, "utf8")).toContain("| `web-staging` | ✅ newer AMI build |");
    const destroy = stagingPlan(V6, { dangers: [{ address: LT, action: "replace" }] });
    const blocked = await compare(summaries([destroy]), summaries([stagingPlan(V6)]), markdown);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`web-staging: NEEDS APPROVAL: ${LT} would be replaced: always approved by a person`);
    expect(blocked.stderr).toContain("golden-ami: 1 stack(s) differ from the reviewed plan and wait for approval: web-staging");
    expect(readFileSync(markdown, "utf8")).toContain("⛔ needs approval");
  }, 30_000);
});
