// One construct in a stack of its own, with minimal props: per-construct tests do not depend on the
// example configuration (aws-cdk's per-construct tests are the pattern).
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";

export interface Synthesized {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, unknown>;
}

/** Builds what `build` adds to a bare stack (one AWS provider) and returns the synthesized JSON. */
export function synthBare(build: (stack: TerraformStack) => void): Synthesized {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, "bare");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  build(stack);
  return JSON.parse(Testing.synth(stack)) as Synthesized;
}

/** The only resource of a type, failing when there is not exactly one. */
export function only(synthesized: Synthesized, type: string): Record<string, unknown> {
  const resources = Object.values(synthesized.resource[type] ?? {});
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  return resources[0];
}
