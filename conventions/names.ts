// Names that configuration, stacks, library and CLI must agree on: one home, imported everywhere.

/** The shared account's stack: Image Builder pipelines and the AMI key. Workloads may not take this name. */
export const SHARED_STACK_NAME = "shared";

/**
 * Tag (with value "true") on every AMI a channel serves or a workload pins: the lifecycle policy never
 * deprecates or deletes such an AMI. Image Builder's tagMap keys take letters and + - = . _ : / only.
 */
export const RETAIN_TAG = "GoldenAmiRetain";

/** Bootstrap stacks are named `bootstrap-<account id>`; workloads may not take such a name. */
export const BOOTSTRAP_STACK_PREFIX = "bootstrap-";

/**
 * Tags every stack's provider puts on every resource (default_tags): which tool manages it and which
 * stack owns it. `golden-ami orphans` finds a stack's resources by them; the tag limit counts them.
 */
export const MANAGED_BY_TAG = "ManagedBy";
export const STACK_TAG = "Stack";
export const MANAGED_BY = "cdktf";

/** The default tags of a stack's provider, besides the configuration's own. */
export function stackTags(stack: string): Record<string, string> {
  return { [MANAGED_BY_TAG]: MANAGED_BY, [STACK_TAG]: stack };
}

/** What a synthesized output directory holds: cdktf's manifest and one directory per stack under stacks/. */
export const OUTDIR_MANIFEST = "manifest.json";
export const OUTDIR_STACKS = "stacks";

/** Files a stack directory holds besides what synthesis writes: Terraform's working files and golden-ami's plan files. */
export const STACK_FILES = {
  /** The binary plan `golden-ami plan` saves and `golden-ami apply` applies. */
  savedPlan: "plan",
  /** `terraform show -json` of the saved plan: full values, never uploaded. */
  planJson: "plan.json",
  /** The redacted summary the plan report reads and CI passes between jobs. */
  planSummary: "plan-summary.json",
  /** Why the plan failed. */
  planError: "plan-error.txt",
  /** Terraform's working directory (providers, backend). */
  terraformDir: ".terraform",
  /** The reviewed provider lock, copied in at synthesis (lib/provider-lock.ts). */
  providerLock: ".terraform.lock.hcl",
} as const;
