import { EC2Client } from "@aws-sdk/client-ec2";
import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { synthesize } from "../../lib/synth";
import { terraformEnv } from "../../lib/terraform-env";
import { bootstrapAccounts } from "./bootstrap";
import type { AwsCredentials, Emulator } from "./emulator";
import { publishAmi, PublishedAmi, PublishingAccount } from "./publish-ami";
import { EmulatedNetwork, networkOf } from "./scenario";
import { applySharedStack } from "./shared-stack";

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
   * Publishes build `buildVersion` of the configuration's first image as Image Builder would, in the
   * shared account, at least a second after the previous one (EC2 creation dates have second
   * resolution; "newest" must be clear).
   */
  publish(buildVersion: number, options?: { nameOverride?: string; commit?: string }): Promise<PublishedAmi>;
}

/**
 * Applies every account's bootstrap stack as its administrator would, then, as the CI's deploy role
 * (the bootstrap's roles are what every stack assumes), synthesizes the app into `dir`/out and applies
 * the shared AMI key (the part of the shared stack the emulator can apply).
 */
export async function prepareScenario(emulator: Emulator, dir: string, configPath: string): Promise<PreparedScenario> {
  const bootstrapped = await bootstrapAccounts(emulator, configPath, dir);
  const base = { ...process.env, AMI_PIPELINE_CONFIG: configPath, AMI_PIPELINE_STATE_DIR: dir };
  const { plan, deploy } = emulator.organization.ci_roles;
  const env = terraformEnv(emulator.env(await emulator.assume(deploy, "ci-deploy"), base));
  const planEnv = terraformEnv(emulator.env(await emulator.assume(plan, "ci-plan"), base));
  const outdir = join(dir, "out");
  const synth = await synthesize({ outdir, env });
  if (synth.code !== 0) throw new Error(`synth failed:\n${synth.stderr || synth.stdout}`);
  await applySharedStack(outdir, env);
  const shared = await emulator.adminOf(loadConfig(configPath).config.shared.account_id);
  let lastPublished = 0;
  const publish: PreparedScenario["publish"] = async (buildVersion, extra = {}) => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastPublished + 1100 - Date.now())));
    // As configured now (a scenario may have changed the image's launch permissions since).
    const { config } = loadConfig(configPath);
    const account: PublishingAccount = {
      ec2: (region) => new EC2Client(emulator.clientConfig({ region, credentials: shared })),
      amiKeyArn: async (region) => {
        if (!config.ami_encryption.enabled) return undefined;
        const kms = new KMSClient(emulator.clientConfig({ region, credentials: shared }));
        return (await kms.send(new DescribeKeyCommand({ KeyId: `alias/${config.ami_encryption.key_alias}` }))).KeyMetadata?.Arn;
      },
    };
    const ami = await publishAmi(account, config, config.images[0], { buildVersion, ...extra });
    lastPublished = Date.now();
    return ami;
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
    publish,
  };
}
