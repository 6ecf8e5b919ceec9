import { CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseDocument } from "yaml";
import { EXAMPLE_CONFIG } from "../../config/load";
import { recipeLockPath } from "../../config/recipe-lock";
import type { StateConfig } from "../../config/schema";

export interface ScenarioOptions {
  /** Directory that receives config.yaml and its recipe lock. */
  readonly dir: string;
  /** The emulated VPC the workloads' security groups go into. */
  readonly vpcId: string;
  /** @default - local state */
  readonly state?: Pick<StateConfig, "bucket" | "region">;
}

/**
 * The example configuration, unchanged but for what only exists in the emulated account (the
 * workloads' VPC) and paths that must stay valid from another directory. Returns its path.
 */
export function writeScenarioConfig(options: ScenarioOptions): string {
  const document = parseDocument(readFileSync(EXAMPLE_CONFIG, "utf8"));
  const workloads = document.get("workloads") as { items: unknown[] };
  workloads.items.forEach((_, i) => {
    document.setIn(["workloads", i, "network", "vpc_id"], options.vpcId);
    const template = document.getIn(["workloads", i, "user_data", "template"]) as string | undefined;
    if (template) document.setIn(["workloads", i, "user_data", "template"], resolve(EXAMPLE_CONFIG, "..", template));
  });
  if (options.state) document.set("state", document.createNode(options.state));
  const configPath = join(options.dir, "config.yaml");
  writeFileSync(configPath, document.toString());
  copyFileSync(recipeLockPath(EXAMPLE_CONFIG), recipeLockPath(configPath));
  return configPath;
}

export async function createVpc(ec2: EC2Client): Promise<string> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.42.0.0/16" }));
  if (!Vpc?.VpcId) throw new Error("CreateVpc returned no VPC id");
  return Vpc.VpcId;
}
