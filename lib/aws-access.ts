// Every AWS call the CLI makes gets its account, region, role and client here: the role per stack and
// purpose (config/roles.ts, the same rule the stacks' providers follow), one session name per command,
// and pagination. A command never builds an AWS client or picks a role itself.
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EC2Client } from "@aws-sdk/client-ec2";
import { S3Client } from "@aws-sdk/client-s3";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { partitionOf, roleFor, RolePurpose } from "../config/roles";
import type { Config } from "../config/schema";
import { SHARED_STACK_NAME } from "../conventions/names";

/** Where a call goes and as whom. */
export interface AccessTarget {
  /** The stack whose account is read or changed ("shared", a workload), or "state" for the state bucket. */
  readonly stack: string;
  readonly purpose: RolePurpose;
  readonly accountId?: string;
  readonly region: string;
  /** @default - the environment's own credentials */
  readonly roleArn?: string;
}

/** The account, region and role of a stack for a purpose: the same rule as the stack's provider. */
export function stackTarget(config: Config, stack: string, purpose: RolePurpose, region?: string): AccessTarget {
  const home = stack === SHARED_STACK_NAME ? config.shared : config.workloads.find((w) => w.name === stack);
  if (!home) throw new Error(`no stack named "${stack}" in the configuration`);
  return {
    stack,
    purpose,
    accountId: home.account_id,
    region: region ?? home.region,
    roleArn: roleFor(purpose, home, home.account_id, partitionOf(config.organization.arn), config.ci_roles),
  };
}

/** The S3 state bucket, read with the state reader role (state.plan_role_arn) or the environment's credentials. */
export function stateTarget(state: NonNullable<Config["state"]>): AccessTarget {
  return { stack: "state", purpose: "plan", region: state.region, roleArn: state.plan_role_arn };
}

/** Any AWS SDK v3 client: constructed from a region and credentials. */
type ClientClass<C> = new (config: { region: string; credentials?: AwsCredentialIdentityProvider; endpoint?: string }) => C;

/** AWS clients for one command: its session name on every assumed role, one client per target and service. */
export class AwsAccess {
  private readonly clients = new Map<string, unknown>();

  /**
   * @param command the command's name: its sessions are `golden-ami-<command>` in CloudTrail.
   * @param source where the calls start: the identity that assumes the roles and the endpoint.
   *   @default - the environment's credentials and endpoint (AWS_ENDPOINT_URL), as for Terraform's provider
   */
  constructor(
    private readonly command: string,
    private readonly source: { readonly credentials?: AwsCredentialIdentityProvider; readonly endpoint?: string } = {},
  ) {}

  ec2(target: AccessTarget): EC2Client {
    return this.client(EC2Client, target);
  }

  autoScaling(target: AccessTarget): AutoScalingClient {
    return this.client(AutoScalingClient, target);
  }

  s3(target: AccessTarget): S3Client {
    return this.client(S3Client, target);
  }

  /** A client of any AWS service for a target, made once per service, region and role. */
  client<C>(Client: ClientClass<C>, target: AccessTarget): C {
    const key = `${Client.name} ${target.region} ${target.roleArn ?? ""}`;
    const known = this.clients.get(key);
    if (known) return known as C;
    const endpoint = this.source.endpoint;
    const credentials = target.roleArn
      ? fromTemporaryCredentials({
          params: { RoleArn: target.roleArn, RoleSessionName: `golden-ami-${this.command}`.slice(0, 64) },
          masterCredentials: this.source.credentials,
          clientConfig: { region: target.region, ...(endpoint && { endpoint }) },
        })
      : this.source.credentials;
    const client = new Client({ region: target.region, credentials, ...(endpoint && { endpoint }) });
    this.clients.set(key, client);
    return client;
  }
}

/** Every item of every page of a paginated call (the SDK's `paginateXxx` functions). */
export async function allPages<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => ReadonlyArray<Item> | undefined): Promise<Item[]> {
  const found: Item[] = [];
  for await (const page of pages) found.push(...(items(page) ?? []));
  return found;
}
