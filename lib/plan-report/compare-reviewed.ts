// The applied plan is the reviewed plan, or a person approves. After a merge, each stack is planned
// again; this compares that plan's summary with the one reviewed on the pull request (the plan of
// its head commit), on what a reviewer read: resources, actions, changed attributes and their planned
// values, AMI ids. Timestamps and "known after apply" values are not in the summaries' comparison.
import { parseAmiName } from "../../conventions/ami-names";
import type { PlannedStack, StackSummary } from "./summarize";

/**
 * - `apply`: identical to the reviewed plan (or nothing to do).
 * - `apply-newer-ami`: identical except that a newer build of the same image was published since the
 *   review, on the same launch templates: the rollout this project exists for. Applied, and said so,
 *   because that build already passed the pipeline's tests and each environment's own gates (soak,
 *   channels, production's approval) still apply; blocking it would block every AMI bump.
 * - `approve`: anything else stops for a person, with the differences named.
 */
export type Verdict =
  | { readonly stack: string; readonly verdict: "apply"; readonly note?: string }
  | { readonly stack: string; readonly verdict: "apply-newer-ami"; readonly amis: ReadonlyArray<string> }
  | { readonly stack: string; readonly verdict: "approve"; readonly reasons: ReadonlyArray<string> };

/** What a reviewer read of one resource change: its action and each changed attribute's planned value. */
function reviewedShape(stack: PlannedStack, amiAttributes: ReadonlySet<string>) {
  return new Map(
    stack.resources.map((r) => [
      r.address,
      {
        action: r.action,
        attributes: Object.fromEntries(
          r.attributes.map((a) => [a.name, amiAttributes.has(`${r.address} ${a.name}`) ? "(AMI)" : (a.after ?? "(removed)")] as const),
        ),
      },
    ]),
  );
}

/** The launch template attributes that carry the AMI: compared as AMI updates, not as text. */
function amiAttributesOf(stack: PlannedStack): Set<string> {
  return new Set(stack.amiUpdates.map((u) => `${u.address} image_id`));
}

export function compareWithReviewed(current: StackSummary, reviewed: StackSummary | undefined): Verdict {
  const stack = current.stack;
  if (current.status === "failed") return { stack, verdict: "approve", reasons: [`the plan after the merge failed: ${firstLine(current.error)}`] };
  if (current.status !== "changed" && current.status !== "unchanged")
    return { stack, verdict: "approve", reasons: [`it was ${current.status} after the merge`] };
  if (current.status === "unchanged") return { stack, verdict: "apply", note: "no changes" };
  if (!reviewed || (reviewed.status !== "changed" && reviewed.status !== "unchanged")) {
    return {
      stack,
      verdict: "approve",
      reasons: [
        reviewed ? `the pull request's plan of it was ${reviewed.status}: nobody reviewed a plan` : "the pull request did not plan it: nobody reviewed a plan",
      ],
    };
  }
  const reasons: string[] = [];
  for (const danger of current.dangers)
    reasons.push(`${danger.address} would be ${danger.action === "delete" ? "destroyed" : "replaced"}: always approved by a person`);
  const now = reviewedShape(current, amiAttributesOf(current));
  const then = reviewedShape(reviewed, amiAttributesOf(reviewed));
  for (const [address, change] of now) {
    const was = then.get(address);
    if (!was) reasons.push(`${address} (${change.action}) was not in the reviewed plan`);
    else if (was.action !== change.action) reasons.push(`${address}: ${was.action} when reviewed, ${change.action} now`);
    else {
      const names = [...new Set([...Object.keys(was.attributes), ...Object.keys(change.attributes)])].sort();
      const differing = names.filter((n) => was.attributes[n] !== change.attributes[n]);
      if (differing.length > 0) reasons.push(`${address}: ${differing.join(", ")} differ from the reviewed plan`);
    }
  }
  for (const address of then.keys()) if (!now.has(address)) reasons.push(`${address} was in the reviewed plan and is not now`);
  const amis = amiDifferences(current, reviewed, reasons);
  if (reasons.length > 0) return { stack, verdict: "approve", reasons };
  return amis.length > 0 ? { stack, verdict: "apply-newer-ami", amis } : { stack, verdict: "apply" };
}

/** AMI updates compared: the same templates, moving to the same build or to a newer one of the same image. */
function amiDifferences(current: PlannedStack, reviewed: PlannedStack, reasons: string[]): string[] {
  const reviewedBy = new Map(reviewed.amiUpdates.map((u) => [u.address, u]));
  const newer: string[] = [];
  for (const update of current.amiUpdates) {
    const was = reviewedBy.get(update.address);
    if (!was) {
      reasons.push(`${update.address}: an AMI update the reviewed plan did not have`);
      continue;
    }
    if (was.to.id === update.to.id) continue;
    if (update.direction !== "newer" || !sameImageNewerBuild(was.to.name, update.to.name)) {
      reasons.push(`${update.address}: reviewed AMI ${was.to.id}, now ${update.to.id}, which is not a newer build of the same image`);
      continue;
    }
    newer.push(`${update.address}: ${was.to.id} (${was.to.name}) reviewed, ${update.to.id} (${update.to.name}) now`);
  }
  for (const address of reviewedBy.keys())
    if (!current.amiUpdates.some((u) => u.address === address)) reasons.push(`${address}: the reviewed AMI update is gone`);
  return newer;
}

/** `sample_v7_…` after `sample_v5_…`: same image name, a higher build number. */
export function sameImageNewerBuild(reviewedName: string | undefined, currentName: string | undefined): boolean {
  const was = parseAmiName(reviewedName);
  const now = parseAmiName(currentName);
  return !!was && !!now && was.image === now.image && now.build > was.build;
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
