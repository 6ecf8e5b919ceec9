import { EC2Client } from "@aws-sdk/client-ec2";
import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { AwsAccess } from "../../lib/aws-access";
import { buildImage } from "../../lib/build";
import { recordTiming } from "../../lib/process";
import { synthesize } from "../../lib/synth";
import { terraformEnv } from "../../lib/terraform-env";
import { bootstrapAccounts } from "./bootstrap";
import type { AwsCredentials, Emulator } from "./emulator";
import { publishAmi, PublishedAmi, PublishingAccount } from "./publish-ami";
import { EmulatedNetwork, networkOf } from "./scenario";
import { PlaceholderNetworks, ScenarioCache } from "./scenario-cache";
import { applySharedStack, initSharedStack } from "./shared-stack";

/** An AMI a build made: its id and name in the shared region, every region's copy, and the build. */
export interface BuiltAmi extends PublishedAmi {
  readonly imageBuildVersionArn: string;
}

/** A configuration applied to the emulated organization as a user would, ready for plans and applies. */
export interface PreparedScenario {
  readonly emulator: Emulator;
  readonly configPath: string;
  readonly outdir: string;
  /** Accounts whose bootstrap stack was applied. */
  readonly bootstrapped: ReadonlyArray<string>;
  /** For Terraform, cdktf and golden-ami: the CI's deploy role, the configuration, local state in the scenario's directory. */
  readonly env: NodeJS.ProcessEnv;
  /** The same with the CI's plan role (read-only plans). */
  readonly planEnv: NodeJS.ProcessEnv;
  /** Credentials of an account's administrator (for what a test checks or sets up in it). */
  adminOf(accountId: string): Promise<AwsCredentials>;
  /** A network (VPC, two subnets) in an account and region, made once. */
  networkOf(accountId: string, region?: string): Promise<EmulatedNetwork>;
  /**
   * Runs the pipeline of the configuration's first image and waits for its AMIs (`golden-ami build
   * --wait`, in process), as the shared stack applied it; `expectedBuild` is the build number the
   * scenario expects Image Builder to give it.
   */
  build(expectedBuild?: number): Promise<BuiltAmi>;
  /** Registers a look-alike AMI in the shared account under `name`, as no pipeline of this project would (decoys). */
  publishDecoy(name: string): Promise<PublishedAmi>;
}

/**
 * Applies every account's bootstrap stack as its administrator would, then, as the CI's deploy role
 * (the bootstrap's roles are what every stack assumes), synthesizes the app into `dir`/out and applies
 * the shared stack. With a cache, a scenario prepared before in this run is restored instead
 * (tools/emulator/scenario-cache.ts): the same world, the same states, in `dir`.
 */
export interface PrepareOptions {
  /** Restore a scenario prepared before with the same files, and keep this one for later. */
  readonly cache?: ScenarioCache;
  /** The placeholders the configuration was written with: real networks replace them here. */
  readonly placeholders?: PlaceholderNetworks;
  /** "synthesized": leave the shared stack for the scenario to apply (its first apply is what it tests). @default "applied" */
  readonly sharedStack?: "applied" | "synthesized";
}

export async function prepareScenario(emulator: Emulator, dir: string, configPath: string, options: PrepareOptions = {}): Promise<PreparedScenario> {
  const began = Date.now();
  const { cache, placeholders } = options;
  const applyShared = options.sharedStack !== "synthesized";
  const key = cache && placeholders ? cache.keyOf(dir, applyShared ? "shared applied" : "shared synthesized") : undefined;
  const cached = key ? await cache!.restore(key, emulator, dir) : undefined;
  const networks = cached ? cached.networks : await placeholders?.realize(emulator);
  if (placeholders && networks) placeholders.substitute(dir, networks);
  const bootstrapped = cached ? [...cached.bootstrapped] : await bootstrapAccounts(emulator, configPath, dir);
  // Credentials after a restore: those issued before it are gone with the world they were issued in.
  const base = { ...process.env, AMI_PIPELINE_CONFIG: configPath, AMI_PIPELINE_STATE_DIR: dir };
  const { plan, deploy } = emulator.organization.ci_roles;
  const env = terraformEnv(emulator.env(await emulator.assume(deploy, "ci-deploy"), base));
  const planEnv = terraformEnv(emulator.env(await emulator.assume(plan, "ci-plan"), base));
  const outdir = join(dir, "out");
  const synth = await synthesize({ outdir, env });
  if (synth.code !== 0) throw new Error(`synth failed:\n${synth.stderr || synth.stdout}`);
  if (cached) {
    if (applyShared) await initSharedStack(outdir, env);
  } else {
    if (applyShared) await applySharedStack(outdir, env);
    if (key) await cache!.store(key, emulator, dir, { bootstrapped, networks: networks ?? [] });
  }
  recordTiming("scenario", [cached ? "restored" : "prepared", key ?? "uncached"], began, 0, process.env);
  const shared = await emulator.adminOf(loadConfig(configPath).config.shared.account_id);
  const deployCredentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY!, sessionToken: env.AWS_SESSION_TOKEN };
  const build: PreparedScenario["build"] = async (expectedBuild) => {
    // As `golden-ami build` runs it, in process: the CI's deploy role assumes the shared deploy role.
    const { config } = loadConfig(configPath);
    const access = new AwsAccess("build", { credentials: async () => deployCredentials, endpoint: emulator.endpoint });
    const outcome = await buildImage(config, config.images[0], { wait: true, timeoutMs: 120_000, access, maxPollMs: 1000 });
    if (outcome.status !== "AVAILABLE")
      throw new Error(`the build ${outcome.imageBuildVersionArn} ended ${outcome.status}: ${outcome.reason ?? "no reason given"}`);
    const number = Number(outcome.imageBuildVersionArn.split("/").pop());
    if (expectedBuild !== undefined && number !== expectedBuild)
      throw new Error(`expected build ${expectedBuild} of ${config.images[0].name}, Image Builder made build ${number} (${outcome.imageBuildVersionArn})`);
    const copies = Object.fromEntries(outcome.amis.map((ami) => [ami.region, ami.imageId]));
    const home = outcome.amis.find((ami) => ami.region === config.shared.region)!;
    return { imageId: home.imageId, name: home.name, copies, imageBuildVersionArn: outcome.imageBuildVersionArn };
  };
  const publishDecoy: PreparedScenario["publishDecoy"] = async (name) => {
    const { config } = loadConfig(configPath);
    const account: PublishingAccount = {
      ec2: (region) => new EC2Client(emulator.clientConfig({ region, credentials: shared })),
      amiKeyArn: async (region) => {
        if (!config.ami_encryption.enabled) return undefined;
        const kms = new KMSClient(emulator.clientConfig({ region, credentials: shared }));
        return (await kms.send(new DescribeKeyCommand({ KeyId: `alias/${config.ami_encryption.key_alias}` }))).KeyMetadata?.Arn;
      },
    };
    return publishAmi(account, config, config.images[0], { buildVersion: 0, nameOverride: name });
  };
  return {
    emulator,
    configPath,
    outdir,
    bootstrapped,
    env,
    planEnv,
    adminOf: (id) => emulator.adminOf(id),
    networkOf: (accountId, region) => networkOf(emulator, accountId, region),
    build,
    publishDecoy,
  };
}
