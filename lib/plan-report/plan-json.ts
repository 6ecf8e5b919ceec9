/** The parts of `terraform show -json <planfile>` the report reads (format 1.x). */
export interface TerraformPlan {
  readonly format_version: string;
  readonly resource_changes?: ReadonlyArray<ResourceChange>;
  readonly resource_drift?: ReadonlyArray<ResourceChange>;
  readonly output_changes?: Readonly<Record<string, Change>>;
  readonly prior_state?: { readonly values?: { readonly root_module?: Module } };
  readonly errored?: boolean;
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
}

export interface ResourceChange {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly name?: string;
  readonly change: Change;
}
