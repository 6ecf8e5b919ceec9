// Prints stack names for CI: `shared`, or the workload stacks (of one environment).
import { parseArgs } from "node:util";
import { EXAMPLE_CONFIG, loadConfig } from "../config/load";
import { SHARED_STACK_NAME } from "../stacks";

const { values } = parseArgs({ options: { role: { type: "string", default: "workload" }, environment: { type: "string" } } });
const { config } = loadConfig(process.env.AMI_PIPELINE_CONFIG || EXAMPLE_CONFIG);
const names =
  values.role === "shared"
    ? [SHARED_STACK_NAME]
    : config.workloads.filter((w) => !values.environment || w.environment === values.environment).map((w) => w.name);
console.log(names.join(" "));
