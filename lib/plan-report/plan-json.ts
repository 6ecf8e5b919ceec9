/** The parts of `terraform show -json <planfile>` the report reads (format 0.x and 1.x). */
export interface TerraformPlan {
  readonly format_version: string;
  readonly resource_changes?: ReadonlyArray<ResourceChange>;
  readonly resource_drift?: ReadonlyArray<ResourceChange>;
  readonly output_changes?: Readonly<Record<string, Change>>;
  readonly prior_state?: { readonly values?: { readonly root_module?: Module } };
  readonly errored?: boolean;
  /** False when applying this plan leaves changes for a later plan (deferred actions, Terraform 1.8+). */
  readonly complete?: boolean;
  readonly variables?: Readonly<Record<string, { readonly value?: unknown }>>;
  readonly configuration?: { readonly root_module?: { readonly variables?: Readonly<Record<string, { readonly sensitive?: boolean }>> } };
}

export interface Module {
  readonly resources?: ReadonlyArray<{ readonly address: string; readonly mode: string; readonly type: string; readonly values: Record<string, unknown> }>;
  readonly child_modules?: ReadonlyArray<Module>;
}

export interface Change {
  readonly actions: ReadonlyArray<string>;
  readonly before: unknown;
  readonly after: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  /** Set when the plan imports the resource (import blocks, Terraform 1.5+). */
  readonly importing?: { readonly id?: string; readonly identity?: unknown };
  readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
}

export interface ResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly mode?: string;
  readonly type: string;
  readonly name?: string;
  /** The key of a deposed object (left by an interrupted create-before-destroy). */
  readonly deposed?: string;
  readonly action_reason?: string;
  readonly change: Change;
}
