/** Terraform's `action_reason` values (JSON output format docs), in the words its own plan uses. */
export const REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "tainted, so must be replaced",
  replace_because_cannot_update: "must be replaced: an argument cannot be updated in place",
  replace_by_request: "replaced by request (-replace)",
  replace_by_triggers: "replaced because replace_triggered_by changed",
  delete_because_no_resource_config: "its configuration is gone",
  delete_because_no_module: "its module is gone",
  delete_because_wrong_repetition: "the resource no longer uses count or for_each the way it did",
  delete_because_count_index: "its count index is out of range",
  delete_because_each_key: "its for_each key is no longer in the map",
  delete_because_no_move_target: "a moved block points at nothing",
  read_because_config_unknown: "read during apply: its configuration depends on values not known yet",
  read_because_dependency_pending: "read during apply: it depends on pending changes",
  read_because_check_nested: "read during apply: a check block's nested data source",
};
