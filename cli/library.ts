// The library behind the commands, loaded when a command runs, not when the program starts: every CI
// step and every --help starts it, and the AWS SDK, cdktf, zod and YAML under these modules took about
// 0.4 s to load (cli.test.ts pins that starting the program loads none of them). One typed entry per
// module, so that no command spells `require(...) as typeof import(...)` itself.
export const library = {
  apply: (): typeof import("../lib/apply") => require("../lib/apply"),
  branchHead: (): typeof import("../lib/ci/branch-head") => require("../lib/ci/branch-head"),
  build: (): typeof import("../lib/build") => require("../lib/build"),
  configuration: (): typeof import("../config/load") => require("../config/load"),
  dataFiles: (): typeof import("../config/data-files") => require("../config/data-files"),
  environment: (): typeof import("../config/environment") => require("../config/environment"),
  fleet: (): typeof import("../lib/fleet") => require("../lib/fleet"),
  jsonSchema: (): typeof import("../config/json-schema") => require("../config/json-schema"),
  orphans: (): typeof import("../lib/orphans") => require("../lib/orphans"),
  plan: (): typeof import("../lib/plan") => require("../lib/plan"),
  preflight: (): typeof import("../lib/preflight") => require("../lib/preflight"),
  promote: (): typeof import("../lib/promote") => require("../lib/promote"),
  recipeLock: (): typeof import("../config/recipe-lock") => require("../config/recipe-lock"),
  revoke: (): typeof import("../lib/revoke") => require("../lib/revoke"),
  rolePolicies: (): typeof import("../access/role-policies") => require("../access/role-policies"),
  roles: (): typeof import("../config/roles") => require("../config/roles"),
  supplyChain: (): typeof import("../config/supply-chain") => require("../config/supply-chain"),
};
