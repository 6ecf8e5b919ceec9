// Names that configuration, stacks, library and CLI must agree on: one home, imported everywhere.

/** The shared account's stack: Image Builder pipelines and the AMI key. Workloads may not take this name. */
export const SHARED_STACK_NAME = "shared";

/** Bootstrap stacks are named `bootstrap-<account id>`; workloads may not take such a name. */
export const BOOTSTRAP_STACK_PREFIX = "bootstrap-";
