import { createHash } from "node:crypto";
import { Change, Module, ResourceChange, TerraformPlan } from "./plan-json";
import { REASONS } from "./reasons";
import { containsTrue, hiddenBySensitivity, markedValues, revealsAny, SENSITIVE, UNKNOWN } from "./values";
import { parseAmiName } from "../../conventions/ami-names";

export { SENSITIVE, UNKNOWN } from "./values";

export type Action = "create" | "update" | "delete" | "replace" | "read" | "no-op" | "forget";

export interface AttributeChange {
  readonly name: string;
  /** Rendered values: JSON text, "(known after apply)" or "(sensitive)"; undefined when absent. */
  readonly before?: string;
  readonly after?: string;
}

export interface ResourceSummary {
  readonly address: string;
  readonly type: string;
  readonly action: Action;
  readonly attributes: ReadonlyArray<AttributeChange>;
  /** The import id, when this plan imports the resource. */
  readonly importing?: string;
  /** Where the resource was before a `moved` block (or a refactoring) moved it. */
  readonly previousAddress?: string;
  /** The deposed object's key: a leftover of an interrupted create-before-destroy. */
  readonly deposed?: string;
  /** Why Terraform replaces or deletes it, in words (from `action_reason`). */
  readonly reason?: string;
}

export interface AmiUpdate {
  readonly address: string;
  readonly from: { readonly id: string; readonly name?: string };
  readonly to: { readonly id: string; readonly name?: string };
  /** "older" when the new AMI's build is older (the running one was deregistered, or a pin went back). */
  readonly direction: "newer" | "older" | "unknown";
}

/** Terraform's own counts: "Plan: 1 to import, 2 to add, 0 to change, 1 to destroy, 1 to forget." */
export interface Counts {
  readonly import: number;
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly forget: number;
  /** Replacements, counted in add and destroy too. */
  readonly replace: number;
  /** Resources moved to a new address (not in Terraform's counts line). */
  readonly move: number;
}

export interface OutputChange {
  readonly name: string;
  readonly action: Action;
  readonly before?: string;
  readonly after?: string;
}

/** A deletion or replacement, kept in the comment whatever else must be cut. */
export interface Danger {
  readonly address: string;
  readonly action: "delete" | "replace";
  readonly reason?: string;
}

export type PlannedStack = {
  readonly stack: string;
  readonly status: "changed" | "unchanged";
  readonly counts: Counts;
  readonly resources: ReadonlyArray<ResourceSummary>;
  readonly drift: ReadonlyArray<ResourceSummary>;
  readonly amiUpdates: ReadonlyArray<AmiUpdate>;
  readonly outputs: ReadonlyArray<OutputChange>;
  readonly dangers: ReadonlyArray<Danger>;
  /** False for plans older than format 1.0: counts only, no values (they carry no sensitivity marks). */
  readonly detailed: boolean;
};

export type StackSummary =
  | PlannedStack
  | { readonly stack: string; readonly status: "failed"; readonly error: string }
  | { readonly stack: string; readonly status: "not planned" }
  /** Not planned because the change under review does not touch it (plan --changed-since). */
  | { readonly stack: string; readonly status: "skipped"; readonly reason: string };

/** The actions of Terraform's JSON plan format (resource and output changes), and nothing else. */
const KNOWN_ACTIONS: ReadonlySet<string> = new Set(["no-op", "create", "read", "update", "delete", "forget"]);

const NO_COUNTS: Counts = { import: 0, add: 0, change: 0, destroy: 0, forget: 0, replace: 0, move: 0 };

/** A stack whose plan Terraform reported as "No changes" (exit code 0 of -detailed-exitcode). */
export function unchangedStack(stack: string): PlannedStack {
  return { stack, status: "unchanged", counts: NO_COUNTS, resources: [], drift: [], amiUpdates: [], outputs: [], dangers: [], detailed: true };
}

/**
 * `Plan: …` as Terraform (1.11) prints it for these counts: imports first when there are any; forgets
 * and moves are not in its line (it lists them apart), but they make it "Plan:" rather than "No changes.".
 */
export function countsLine(counts: Counts, outputsChange = false): string {
  const any = counts.import + counts.add + counts.change + counts.destroy + counts.forget + counts.move > 0;
  if (!any) return outputsChange ? "Changes to Outputs only." : "No changes.";
  const parts = [
    ...(counts.import > 0 ? [`${counts.import} to import`] : []),
    `${counts.add} to add`,
    `${counts.change} to change`,
    `${counts.destroy} to destroy`,
  ];
  return `Plan: ${parts.join(", ")}.`;
}

/** Summarizes one stack's plan the way Terraform counts it. An errored plan is a failed stack. */
export function summarizePlan(stack: string, plan: TerraformPlan): StackSummary {
  if (plan.errored === true) {
    return { stack, status: "failed", error: "Terraform reported errors while planning (the plan is marked errored); see the job log." };
  }
  if (plan.complete === false) {
    return {
      stack,
      status: "failed",
      error:
        "Terraform marked the plan incomplete (complete: false): applying it would leave changes that only a later plan shows, so this report cannot show them all; see the job log.",
    };
  }
  const unknownActions = [...(plan.resource_changes ?? []), ...(plan.resource_drift ?? [])].flatMap((r) =>
    r.change.actions.filter((a) => !KNOWN_ACTIONS.has(a)).map((a) => `${JSON.stringify(a)} on ${r.address}`),
  );
  const unknownOutputActions = Object.entries(plan.output_changes ?? {}).flatMap(([name, change]) =>
    change.actions.filter((a) => !KNOWN_ACTIONS.has(a)).map((a) => `${JSON.stringify(a)} on output ${name}`),
  );
  if (unknownActions.length + unknownOutputActions.length > 0) {
    return {
      stack,
      status: "failed",
      error: `The plan has actions this report does not know (${[...unknownActions, ...unknownOutputActions].slice(0, 5).join(", ")}); expected ${[...KNOWN_ACTIONS].join(", ")}. A newer Terraform? See the job log.`,
    };
  }
  const detailed = majorVersion(plan.format_version) >= 1;
  const secrets = detailed ? markedValues(plan) : new Set<string>();
  const all = (plan.resource_changes ?? []).map((r) => summarizeResource(r, detailed, secrets));
  const resources = all.filter((r) => r.action !== "read" && (r.action !== "no-op" || r.importing !== undefined || r.previousAddress !== undefined));
  // Terraform lists drift only where something really differs; deletions outside Terraform always count.
  const drift = (plan.resource_drift ?? [])
    .map((r) => summarizeResource(r, detailed, secrets))
    .filter((r) => r.action === "delete" || r.attributes.length > 0 || !detailed);
  const counts: Counts = {
    import: resources.filter((r) => r.importing !== undefined).length,
    add: resources.filter((r) => r.action === "create" || r.action === "replace").length,
    change: resources.filter((r) => r.action === "update").length,
    destroy: resources.filter((r) => r.action === "delete" || r.action === "replace").length,
    forget: resources.filter((r) => r.action === "forget").length,
    replace: resources.filter((r) => r.action === "replace").length,
    move: resources.filter((r) => r.previousAddress !== undefined).length,
  };
  const outputs = Object.entries(plan.output_changes ?? {})
    .map(([name, change]) => summarizeOutput(name, change, detailed, secrets))
    .filter((o) => o.action !== "no-op");
  const dangers: Danger[] = resources.flatMap((r) =>
    r.action === "delete" || r.action === "replace"
      ? [{ address: r.deposed ? `${r.address} (deposed object ${r.deposed})` : r.address, action: r.action, reason: r.reason }]
      : [],
  );
  return {
    stack,
    status: resources.length > 0 || outputs.length > 0 ? "changed" : "unchanged",
    counts,
    resources,
    drift,
    amiUpdates: detailed ? amiUpdates(plan) : [],
    outputs,
    dangers,
    detailed,
  };
}

function majorVersion(formatVersion: string | undefined): number {
  const major = Number((formatVersion ?? "0").split(".")[0]);
  return Number.isFinite(major) ? major : 0;
}

function actionOf(actions: ReadonlyArray<string>): Action {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  return (actions[0] as Action) ?? "no-op";
}

function summarizeResource(resource: ResourceChange, detailed: boolean, secrets: ReadonlySet<string>): ResourceSummary {
  const action = actionOf(resource.change.actions);
  const reason = resource.action_reason ? (REASONS[resource.action_reason] ?? resource.action_reason) : undefined;
  const replacePaths = (resource.change.replace_paths ?? []).map((path) => path.map(String).join(".")).filter(Boolean);
  return {
    address: resource.address,
    type: resource.type,
    action,
    attributes: action === "delete" || action === "forget" || !detailed ? [] : changedAttributes(resource.change, secrets),
    ...(resource.change.importing ? { importing: String(resource.change.importing.id ?? resource.change.importing.identity ?? "") } : {}),
    ...(resource.previous_address && resource.previous_address !== resource.address ? { previousAddress: resource.previous_address } : {}),
    ...(resource.deposed ? { deposed: resource.deposed } : {}),
    ...(reason ? { reason: replacePaths.length > 0 && action === "replace" ? `${reason} (${replacePaths.join(", ")})` : reason } : {}),
  };
}

function summarizeOutput(name: string, change: Change, detailed: boolean, secrets: ReadonlySet<string>): OutputChange {
  const action = actionOf(change.actions);
  if (!detailed) return { name, action };
  const show = (value: unknown, sensitive: unknown) => {
    if (value === undefined) return undefined;
    const text = JSON.stringify(value);
    return containsTrue(sensitive) || revealsAny(text, secrets) ? SENSITIVE : text;
  };
  const unknown = containsTrue(change.after_unknown);
  // Either side marked sensitive hides both: the same secret may sit unmarked on the other side.
  const hidden = containsTrue(change.before_sensitive) || containsTrue(change.after_sensitive);
  return {
    name,
    action,
    before: action === "create" ? undefined : hidden ? SENSITIVE : show(change.before, change.before_sensitive),
    after: unknown ? UNKNOWN : action === "delete" ? undefined : hidden ? SENSITIVE : show(change.after, change.after_sensitive),
  };
}

/**
 * Attributes whose content the comment never shows, only its size and digest: user data is whatever
 * the templates and their variables render (configuration text, boot scripts), and the comment is
 * readable by everyone with access to the repository.
 */
const DIGEST_ONLY = new Set(["user_data", "user_data_base64"]);

function digest(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `(${Buffer.byteLength(text)} bytes, sha256 ${createHash("sha256").update(text).digest("hex").slice(0, 12)})`;
}

/** Top-level attributes that change, with values rendered safely: each side judged by its own marks. */
export function changedAttributes(change: Change, secrets: ReadonlySet<string> = new Set()): AttributeChange[] {
  const before = asRecord(change.before);
  const after = asRecord(change.after);
  const unknown = asRecord(change.after_unknown);
  const names = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)])].sort();
  return names.flatMap((name) => {
    const isUnknown = containsTrue(unknown[name]);
    if (!isUnknown && canonical(before[name]) === canonical(after[name])) return [];
    if (!isUnknown && change.before === null && isEmpty(after[name])) return [];
    const hidden = hiddenBySensitivity(change.before_sensitive, name) || hiddenBySensitivity(change.after_sensitive, name);
    const render = (value: unknown) => {
      if (value === undefined) return undefined;
      const text = JSON.stringify(value);
      if (hidden || revealsAny(text, secrets)) return SENSITIVE;
      return DIGEST_ONLY.has(name) ? digest(value) : text;
    };
    return [{ name, before: change.before === null ? undefined : render(before[name]), after: isUnknown ? UNKNOWN : render(after[name]) }];
  });
}

function direction(from: string | undefined, to: string | undefined): AmiUpdate["direction"] {
  const [a, b] = [parseAmiName(from)?.build, parseAmiName(to)?.build];
  if (a === undefined || b === undefined || a === b) return "unknown";
  return b > a ? "newer" : "older";
}

/** Launch templates whose image changes, with AMI names where the plan knows them. */
function amiUpdates(plan: TerraformPlan): AmiUpdate[] {
  const amiNames = new Map<string, string>();
  for (const resource of allResources(plan.prior_state?.values?.root_module)) {
    if (resource.mode === "data" && resource.type === "aws_ami" && typeof resource.values.id === "string")
      amiNames.set(resource.values.id, String(resource.values.name));
  }
  const outputs = plan.output_changes ?? {};
  const outputName = (side: "before" | "after", id: string) =>
    outputs.ami_id?.[side] === id && typeof outputs.ami_name?.[side] === "string" && !containsTrue(outputs.ami_name?.[`${side}_sensitive`])
      ? (outputs.ami_name[side] as string)
      : undefined;
  return (plan.resource_changes ?? []).flatMap((resource) => {
    if (resource.type !== "aws_launch_template" || !["update", "replace"].includes(actionOf(resource.change.actions))) return [];
    if (hiddenBySensitivity(resource.change.before_sensitive, "image_id") || hiddenBySensitivity(resource.change.after_sensitive, "image_id")) return [];
    const before = asRecord(resource.change.before).image_id;
    const unknown = containsTrue(asRecord(resource.change.after_unknown).image_id);
    const after = unknown ? UNKNOWN : asRecord(resource.change.after).image_id;
    if (typeof before !== "string" || typeof after !== "string" || before === after) return [];
    const from = { id: before, name: outputName("before", before) ?? amiNames.get(before) };
    const to = { id: after, name: amiNames.get(after) ?? outputName("after", after) };
    return [{ address: resource.address, from, to, direction: direction(from.name, to.name) }];
  });
}

function* allResources(module: Module | undefined): Generator<NonNullable<Module["resources"]>[number]> {
  if (!module) return;
  yield* module.resources ?? [];
  for (const child of module.child_modules ?? []) yield* allResources(child);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === "" ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === "object" && Object.keys(value as object).length === 0)
  );
}

// The provider's legacy SDK reads unset values as null and plans them as "", [] or {}; Terraform shows no change.
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (isEmpty(v) ? "" : v)) ?? "";
}
