import { Change, Module, ResourceChange, TerraformPlan } from "./plan-json";

export type Action = "create" | "update" | "delete" | "replace" | "read" | "no-op";

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
}

export interface AmiUpdate {
  readonly address: string;
  readonly from: { readonly id: string; readonly name?: string };
  readonly to: { readonly id: string; readonly name?: string };
  /** "older" when the new AMI's build is older (the running one was deregistered, or a pin went back). */
  readonly direction: "newer" | "older" | "unknown";
}

/** The build number in an AMI name `<image>_v<build>_<date>`. */
function buildOf(name: string | undefined): number | undefined {
  const match = name === undefined ? null : /_v(\d+)_[^_]*$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

function direction(from: string | undefined, to: string | undefined): AmiUpdate["direction"] {
  const [a, b] = [buildOf(from), buildOf(to)];
  if (a === undefined || b === undefined || a === b) return "unknown";
  return b > a ? "newer" : "older";
}

export interface Counts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly replace: number;
}

export type StackSummary =
  | {
      readonly stack: string;
      readonly status: "changed" | "unchanged";
      readonly counts: Counts;
      readonly resources: ReadonlyArray<ResourceSummary>;
      readonly drift: ReadonlyArray<ResourceSummary>;
      readonly amiUpdates: ReadonlyArray<AmiUpdate>;
    }
  | { readonly stack: string; readonly status: "failed"; readonly error: string }
  | { readonly stack: string; readonly status: "not planned" };

export const UNKNOWN = "(known after apply)";
export const SENSITIVE = "(sensitive)";

/** Summarizes one stack's plan the way Terraform counts it ("Plan: X to add, Y to change, Z to destroy"). */
export function summarizePlan(stack: string, plan: TerraformPlan): StackSummary {
  const resources = (plan.resource_changes ?? []).map(summarizeResource).filter((r) => r.action !== "no-op" && r.action !== "read");
  // Terraform lists drift only where an attribute really differs; so do we.
  const drift = (plan.resource_drift ?? []).map(summarizeResource).filter((r) => r.attributes.length > 0);
  const counts = {
    add: resources.filter((r) => r.action === "create" || r.action === "replace").length,
    change: resources.filter((r) => r.action === "update").length,
    destroy: resources.filter((r) => r.action === "delete" || r.action === "replace").length,
    replace: resources.filter((r) => r.action === "replace").length,
  };
  const outputsChange = Object.values(plan.output_changes ?? {}).some((c) => !c.actions.every((a) => a === "no-op"));
  return {
    stack,
    status: resources.length > 0 || outputsChange ? "changed" : "unchanged",
    counts,
    resources,
    drift,
    amiUpdates: amiUpdates(plan),
  };
}

export function actionOf(actions: ReadonlyArray<string>): Action {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  return (actions[0] as Action) ?? "no-op";
}

function summarizeResource(resource: ResourceChange): ResourceSummary {
  const action = actionOf(resource.change.actions);
  return { address: resource.address, type: resource.type, action, attributes: action === "delete" ? [] : changedAttributes(resource.change) };
}

/** Top-level attributes that change, with values rendered safely. */
export function changedAttributes(change: Change): AttributeChange[] {
  const before = asRecord(change.before);
  const after = asRecord(change.after);
  const unknown = asRecord(change.after_unknown);
  const sensitive = { ...asRecord(change.before_sensitive), ...asRecord(change.after_sensitive) };
  const names = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)])].sort();
  return names.flatMap((name) => {
    const isUnknown = containsTrue(unknown[name]);
    if (!isUnknown && canonical(before[name]) === canonical(after[name])) return [];
    if (!isUnknown && change.before === null && isEmpty(after[name])) return [];
    const hidden = containsTrue(sensitive[name]);
    const render = (value: unknown) => (value === undefined ? undefined : hidden ? SENSITIVE : JSON.stringify(value));
    return [{ name, before: change.before === null ? undefined : render(before[name]), after: isUnknown ? UNKNOWN : render(after[name]) }];
  });
}

/** Launch templates whose image changes, with AMI names where the plan knows them. */
function amiUpdates(plan: TerraformPlan): AmiUpdate[] {
  const amiNames = new Map<string, string>();
  for (const resource of allResources(plan.prior_state?.values?.root_module)) {
    if (resource.mode === "data" && resource.type === "aws_ami" && typeof resource.values.id === "string")
      amiNames.set(resource.values.id, String(resource.values.name));
  }
  const outputs = plan.output_changes ?? {};
  const previousName = (id: string) =>
    outputs.ami_id?.before === id && typeof outputs.ami_name?.before === "string" ? outputs.ami_name.before : amiNames.get(id);
  return (plan.resource_changes ?? []).flatMap((resource) => {
    if (resource.type !== "aws_launch_template" || !["update", "replace"].includes(actionOf(resource.change.actions))) return [];
    const before = asRecord(resource.change.before).image_id;
    const unknown = containsTrue(asRecord(resource.change.after_unknown).image_id);
    const after = unknown ? UNKNOWN : asRecord(resource.change.after).image_id;
    if (typeof before !== "string" || typeof after !== "string" || before === after) return [];
    const from = { id: before, name: previousName(before) };
    const to = {
      id: after,
      name: amiNames.get(after) ?? (outputs.ami_id?.after === after && typeof outputs.ami_name?.after === "string" ? outputs.ami_name.after : undefined),
    };
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

function containsTrue(value: unknown): boolean {
  return value === true || (typeof value === "object" && value !== null && Object.values(value).some(containsTrue));
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
