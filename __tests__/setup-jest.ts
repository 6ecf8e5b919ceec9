import { Testing } from "cdktf";
// Declares the cdktf matchers (toHaveResourceWithProperties, ...) on jest's expect.
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();
