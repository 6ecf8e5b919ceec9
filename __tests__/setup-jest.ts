import { Testing } from "cdktf";
// Declares the cdktf matchers (toHaveResourceWithProperties, ...) on jest's expect.
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();

// Tests synthesize the example with local state on purpose, also when CI runs them (stacks/state-policy.ts).
process.env.AMI_PIPELINE_ALLOW_LOCAL_STATE = "1";
