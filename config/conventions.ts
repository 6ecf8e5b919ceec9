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
