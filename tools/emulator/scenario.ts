import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Document, parseDocument } from "yaml";
import { EXAMPLE_CONFIG } from "../../config/load";
import { recipeLockPath } from "../../config/recipe-lock";
import type { StateConfig } from "../../config/schema";
import type { Emulator } from "./emulator";

export interface ConfigCopyOptions {
  /** Directory that receives config.yaml and its recipe lock. */
  readonly dir: string;
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
 * The example configuration, its templates copied beside it, with the options above: what needs no
 * AWS at all (synth, terraform validate, benchmarks of synth). Returns its path.
 */
export function writeConfigCopy(options: ConfigCopyOptions): string {
  const document = exampleDocument(options);
  options.edit?.(document);
  return writeDocument(options.dir, document);
}

/** Where a scenario puts the workloads and builds of an account and region. */
export type NetworkPlacement = (accountId: string, region: string) => Promise<EmulatedNetwork>;

export interface ScenarioConfigOptions extends ConfigCopyOptions {
  /** A change to the document, with the emulated organization at hand (OU ARNs by path). @default - none */
  readonly editInOrganization?: (document: Document, organization: ScenarioOrganization) => void;
  /** @default - networkOf: the account's network in the emulator, made on first use */
  readonly placement?: NetworkPlacement;
}

/** What a scenario's edits may name of the emulated organization. */
export interface ScenarioOrganization {
  readonly arn: string;
  /** The ARN of an OU by its path, such as "workloads/prod". */
  ouArn(path: string): string;
}

/** The example's network ids: placeholders every emulator scenario replaces with its accounts' own networks. */
const NETWORK_FIELDS = { vpc: "vpc_id", subnets: "subnet_ids" } as const;

/**
 * The example configuration as it runs on the emulated organization: its organization ARN read from
 * the emulator's Organizations API, every stack in its own account reached through the per-account
 * roles (ci_roles, with a bootstrap section trusting the CI's roles), each workload on a network of
 * its own account and region and each image's build on one in the shared account, the options above.
 * A configuration naming an account the emulator does not have is refused, naming the accounts that
 * exist. Returns its path.
 */
export async function writeScenarioConfig(emulator: Emulator, options: ScenarioConfigOptions): Promise<string> {
  const document = exampleDocument(options);
  const organization = await scenarioOrganization(emulator);
  document.setIn(["organization", "arn"], organization.arn);
  document.set("ci_roles", document.createNode({}));
  document.set(
    "bootstrap",
    document.createNode({
      // The CI's deploy role plans too (every stage's plan before its apply), and only it deploys.
      plan_trusted_by: [emulator.organization.ci_roles.plan, emulator.organization.ci_roles.deploy],
      deploy_trusted_by: [emulator.organization.ci_roles.deploy],
    }),
  );
  options.edit?.(document);
  options.editInOrganization?.(document, organization);
  checkAccounts(emulator, document);
  await placeOnNetworks(options.placement ?? ((account, region) => networkOf(emulator, account, region)), document);
  return writeDocument(options.dir, document);
}

/** The organization's ARN and its OUs', as the emulator's Organizations API reports them. */
export async function scenarioOrganization(emulator: Emulator): Promise<ScenarioOrganization> {
  const organizations = new OrganizationsClient(emulator.clientConfig({ region: "us-east-1" }));
  const { Organization } = await organizations.send(new DescribeOrganizationCommand({}));
  if (!Organization?.Arn) throw new Error("the emulator's DescribeOrganization returned no organization");
  const units = new Map(emulator.organization.organizational_units.map((unit) => [unit.path, unit.arn]));
  return {
    arn: Organization.Arn,
    ouArn: (path) => {
      const arn = units.get(path);
      if (!arn) throw new Error(`the emulated organization has no OU "${path}"; it has ${[...units.keys()].join(", ")}`);
      return arn;
    },
  };
}

function checkAccounts(emulator: Emulator, document: Document): void {
  const known = new Set(emulator.accounts.map((a) => a.id));
  const used = [
    ["shared.account_id", document.getIn(["shared", "account_id"])],
    ...itemsOf(document, "workloads").map((_, i) => [`workloads[${i}].account_id`, document.getIn(["workloads", i, "account_id"])]),
  ] as [string, string][];
  const missing = used.filter(([, account]) => !known.has(String(account)));
  if (missing.length > 0) {
    throw new Error(
      `the scenario names accounts the emulated organization does not have: ${missing.map(([field, account]) => `${field} = ${account}`).join(", ")}; ` +
        `it has ${emulator.accounts.map((a) => `${a.id} (${a.name})`).join(", ")} (tools/emulator/organization.json)`,
    );
  }
}

const networks = new WeakMap<Emulator, Map<string, Promise<EmulatedNetwork>>>();

/**
 * The network of an account and region on this emulator, made on first use: rewriting a scenario's
 * configuration keeps its workloads on the same VPC. A reset or restore starts a new world
 * (Emulator.generation): networks of the one before are gone with it and are never handed out.
 */
export function networkOf(emulator: Emulator, accountId: string, region: string = emulator.region): Promise<EmulatedNetwork> {
  if (!networks.has(emulator)) networks.set(emulator, new Map());
  const known = networks.get(emulator)!;
  const key = `${emulator.generation}/${accountId}/${region}`;
  if (!known.has(key))
    known.set(
      key,
      emulator.adminOf(accountId).then((credentials) => createNetwork(new EC2Client(emulator.clientConfig({ region, credentials })))),
    );
  return known.get(key)!;
}

/** Makes networkOf answer `network` for an account and region (a network restored from a snapshot). */
export function rememberNetwork(emulator: Emulator, accountId: string, region: string, network: EmulatedNetwork): void {
  if (!networks.has(emulator)) networks.set(emulator, new Map());
  networks.get(emulator)!.set(`${emulator.generation}/${accountId}/${region}`, Promise.resolve(network));
}

/** Every workload on a network of its own account and region; every image's build on one in the shared account. */
async function placeOnNetworks(place: NetworkPlacement, document: Document): Promise<void> {
  const sharedAccount = String(document.getIn(["shared", "account_id"]));
  const sharedRegion = String(document.getIn(["shared", "region"]));
  for (const [i] of itemsOf(document, "images").entries()) {
    const network = await place(sharedAccount, sharedRegion);
    document.setIn(["images", i, "network", "vpc_id"], network.vpcId);
    document.setIn(["images", i, "network", "subnet_id"], network.subnetIds[0]);
  }
  for (const [i] of itemsOf(document, "workloads").entries()) {
    const network = await place(String(document.getIn(["workloads", i, "account_id"])), String(document.getIn(["workloads", i, "region"])));
    document.setIn(["workloads", i, "network", NETWORK_FIELDS.vpc], network.vpcId);
    document.setIn(["workloads", i, "auto_scaling", NETWORK_FIELDS.subnets], document.createNode(network.subnetIds));
  }
}

function exampleDocument(options: ConfigCopyOptions): Document {
  const document = parseDocument(readFileSync(EXAMPLE_CONFIG, "utf8"));
  itemsOf(document, "workloads").forEach((_, i) => {
    if (options.instanceRefresh === false) document.setIn(["workloads", i, "auto_scaling", "instance_refresh", "enabled"], false);
    // Templates must lie inside the configuration's directory: copy them beside the scenario's config.
    const template = document.getIn(["workloads", i, "user_data", "template"]) as string | undefined;
    if (template) {
      mkdirSync(dirname(join(options.dir, template)), { recursive: true });
      copyFileSync(resolve(EXAMPLE_CONFIG, "..", template), join(options.dir, template));
    }
  });
  if (options.state) document.set("state", document.createNode(options.state));
  return document;
}

function writeDocument(dir: string, document: Document): string {
  const configPath = join(dir, "config.yaml");
  writeFileSync(configPath, document.toString());
  copyFileSync(recipeLockPath(EXAMPLE_CONFIG), recipeLockPath(configPath));
  return configPath;
}

function itemsOf(document: Document, key: string): unknown[] {
  return (document.get(key) as { items?: unknown[] } | undefined)?.items ?? [];
}

/** A VPC with two subnets, for the workloads' groups (in the account and region of `ec2`). */
export async function createNetwork(ec2: EC2Client): Promise<EmulatedNetwork> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.42.0.0/16" }));
  if (!Vpc?.VpcId) throw new Error("CreateVpc returned no VPC id");
  // One after the other: the first subnet is the first zone's.
  const subnetIds: string[] = [];
  for (const [i, cidr] of ["10.42.1.0/24", "10.42.2.0/24"].entries()) {
    const { Subnet } = await ec2.send(
      new CreateSubnetCommand({ VpcId: Vpc.VpcId, CidrBlock: cidr, AvailabilityZone: `${await ec2.config.region()}${"ac"[i]}` }),
    );
    if (!Subnet?.SubnetId) throw new Error(`CreateSubnet ${cidr} returned no subnet id`);
    subnetIds.push(Subnet.SubnetId);
  }
  return { vpcId: Vpc.VpcId, subnetIds };
}
