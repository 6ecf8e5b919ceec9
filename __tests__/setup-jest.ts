import { Testing } from "cdktf";
import { relative } from "node:path";
// Declares the cdktf matchers (toHaveResourceWithProperties, ...) on jest's expect.
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();

// Tests synthesize the example with local state on purpose, also when CI runs them (stacks/state-policy.ts).
process.env.AMI_PIPELINE_ALLOW_LOCAL_STATE = "1";
// As bin/golden-ami.js does: the SDK's banner on Node < 22 concerns releases after the pinned one.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// The test-suite benchmark's label for every command this file runs (lib/process.ts, tools/bench/suite.ts).
if (process.env.GOLDEN_AMI_TIMINGS) process.env.GOLDEN_AMI_TIMINGS_LABEL = relative(process.cwd(), expect.getState().testPath ?? "");
