import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Document, parseDocument } from "yaml";
import { EXAMPLE_CONFIG } from "../../config/load";
import { recipeLockPath } from "../../config/recipe-lock";
import type { StateConfig } from "../../config/schema";

export interface ScenarioOptions {
  /** Directory that receives config.yaml and its recipe lock. */
  readonly dir: string;
  /** Network that exists where the stacks run (the emulator). @default - the example's ids */
  readonly network?: EmulatedNetwork;
  /**
   * Keep the workloads' instance refresh. The emulator has no instance refresh API
   * (StartInstanceRefresh), so runs against it switch it off. @default true
   */
  readonly instanceRefresh?: boolean;
  /** @default - local state */
  readonly state?: Pick<StateConfig, "bucket" | "region">;
  /** Any further change, on the YAML document. @default - none */
  readonly edit?: (document: Document) => void;
}

export interface EmulatedNetwork {
  readonly vpcId: string;
  readonly subnetIds: ReadonlyArray<string>;
}

/**
 * The example configuration with only what a run needs changed: network ids that exist where it
 * runs, its templates copied beside it, and the options above. Returns its path.
 */
export function writeScenarioConfig(options: ScenarioOptions): string {
  const document = parseDocument(readFileSync(EXAMPLE_CONFIG, "utf8"));
  const workloads = document.get("workloads") as { items: unknown[] };
  workloads.items.forEach((_, i) => {
    if (options.network) {
      document.setIn(["workloads", i, "network", "vpc_id"], options.network.vpcId);
      document.setIn(["workloads", i, "auto_scaling", "subnet_ids"], document.createNode(options.network.subnetIds));
    }
    if (options.instanceRefresh === false) document.setIn(["workloads", i, "auto_scaling", "instance_refresh", "enabled"], false);
    // Templates must lie inside the configuration's directory: copy them beside the scenario's config.
    const template = document.getIn(["workloads", i, "user_data", "template"]) as string | undefined;
    if (template) {
      mkdirSync(dirname(join(options.dir, template)), { recursive: true });
      copyFileSync(resolve(EXAMPLE_CONFIG, "..", template), join(options.dir, template));
    }
  });
  if (options.state) document.set("state", document.createNode(options.state));
  options.edit?.(document);
  // The emulator answers as one account (the shared one, MOTO_ACCOUNT_ID), and every provider accepts
  // only the account its configuration names (allowed_account_ids). So the scenario, not a switch in
  // the stacks, says every workload lives in that account: there is no guard to turn off by mistake.
  const emulatedAccount = document.getIn(["shared", "account_id"]);
  (document.get("workloads") as { items: unknown[] }).items.forEach((_, i) => document.setIn(["workloads", i, "account_id"], emulatedAccount));
  const configPath = join(options.dir, "config.yaml");
  writeFileSync(configPath, document.toString());
  copyFileSync(recipeLockPath(EXAMPLE_CONFIG), recipeLockPath(configPath));
  return configPath;
}

/** A VPC with two subnets in the emulated account, for the workloads' groups. */
export async function createNetwork(ec2: EC2Client): Promise<EmulatedNetwork> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.42.0.0/16" }));
  if (!Vpc?.VpcId) throw new Error("CreateVpc returned no VPC id");
  const subnetIds = await Promise.all(
    ["10.42.1.0/24", "10.42.2.0/24"].map(async (cidr, i) => {
      const { Subnet } = await ec2.send(
        new CreateSubnetCommand({ VpcId: Vpc.VpcId, CidrBlock: cidr, AvailabilityZone: `${await ec2.config.region()}${"ac"[i]}` }),
      );
      if (!Subnet?.SubnetId) throw new Error(`CreateSubnet ${cidr} returned no subnet id`);
      return Subnet.SubnetId;
    }),
  );
  return { vpcId: Vpc.VpcId, subnetIds };
}
