// How values from a plan are shown: never a value Terraform marked sensitive.

export const UNKNOWN = "(known after apply)";
export const SENSITIVE = "(sensitive)";

/**
 * Whether an attribute is (wholly or in part) marked sensitive on one side of a change. The marks
 * mirror the value: `true` for a whole value, nested objects and lists for parts of it.
 */
export function hiddenBySensitivity(marks: unknown, attribute: string): boolean {
  if (marks === true) return true;
  if (marks === null || typeof marks !== "object" || Array.isArray(marks)) return false;
  return containsTrue((marks as Record<string, unknown>)[attribute]);
}

/** Whether a sensitivity (or unknown-value) mark holds `true` anywhere inside. */
export function containsTrue(value: unknown): boolean {
  return value === true || (typeof value === "object" && value !== null && Object.values(value).some(containsTrue));
}

/**
 * The values of sensitive variables and sensitive outputs. Terraform marks a secret where it entered,
 * not everywhere it flows (terraform_data's `output` holds its sensitive `input` unmarked), so
 * rendered text is also checked against these. (Attributes a provider's schema marks, such as an
 * SSM parameter's value, are hidden where they are marked: collecting those would hide AMI ids.)
 */
export function markedValues(plan: {
  readonly variables?: Readonly<Record<string, { readonly value?: unknown }>>;
  readonly configuration?: { readonly root_module?: { readonly variables?: Readonly<Record<string, { readonly sensitive?: boolean }>> } };
  readonly output_changes?: Readonly<Record<string, SidedChange>>;
}): Set<string> {
  const found = new Set<string>();
  for (const [name, variable] of Object.entries(plan.configuration?.root_module?.variables ?? {})) {
    if (variable.sensitive) for (const leaf of leaves(plan.variables?.[name]?.value)) found.add(leaf);
  }
  for (const change of Object.values(plan.output_changes ?? {})) {
    if (change.before_sensitive === true) for (const leaf of leaves(change.before)) found.add(leaf);
    if (change.after_sensitive === true) for (const leaf of leaves(change.after)) found.add(leaf);
  }
  // Short values (true, "1", "on") would hide half a plan and reveal nothing worth hiding.
  return new Set([...found].filter((value) => value.length >= 4));
}

interface SidedChange {
  readonly before?: unknown;
  readonly after?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
}

function leaves(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === "object") return Object.values(value as object).flatMap(leaves);
  return [String(value)];
}

/** Whether rendered text contains any of the plan's marked values. */
export function revealsAny(text: string, secrets: ReadonlySet<string>): boolean {
  for (const secret of secrets) if (text.includes(secret)) return true;
  return false;
}
