/** What a policy rule says of one resource. */
export type Verdict = "compliant" | "non-compliant" | "not-applicable";

/** One policy rule (cdk-nag style): a pure function of a resource's synthesized configuration. */
export interface PolicyRule {
  /** Stable id, used in messages and suppressions, such as GAMI-IMDSV2. */
  readonly id: string;
  /** Why the rule exists and what to do, shown when it fails. */
  readonly explanation: string;
  /**
   * @param type Terraform type, such as aws_launch_template (data sources are prefixed "data.").
   * @param config The resource's arguments, snake_case, as synthesized.
   */
  check(type: string, config: Record<string, unknown>): Verdict;
}

export const asList = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value : value && typeof value === "object" ? [value as Record<string, unknown>] : [];
