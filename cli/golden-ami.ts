// `golden-ami <command>`: what platform engineers and CI run besides cdktf. One file per command.
import { registerAccessPolicy } from "./access-policy";
import { registerApply } from "./apply";
import { registerBranchHead } from "./branch-head";
import { registerBuild } from "./build";
import { registerCompareReviewed } from "./compare-reviewed";
import { registerFleet } from "./fleet";
import { registerLock } from "./lock";
import { registerOrphans } from "./orphans";
import { registerPlan } from "./plan";
import { registerPreflight } from "./preflight";
import { registerPromote } from "./promote";
import { rootCommand, runProgram } from "./program";
import { registerReport } from "./report";
import { registerRevoke } from "./revoke";
import { registerSchema } from "./schema";
import { registerStacks } from "./stacks";

export function goldenAmiProgram() {
  const program = rootCommand();
  for (const register of [
    registerPlan,
    registerApply,
    registerReport,
    registerStacks,
    registerLock,
    registerSchema,
    registerOrphans,
    registerFleet,
    registerBuild,
    registerPromote,
    registerRevoke,
    registerAccessPolicy,
    registerPreflight,
    registerBranchHead,
    registerCompareReviewed,
  ])
    register(program);
  return program;
}

if (require.main === module) {
  void runProgram(goldenAmiProgram(), process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
