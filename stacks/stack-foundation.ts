import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { join } from "node:path";
import type { StackCredentials } from "../config/roles";
import type { StateConfig } from "../config/schema";

/** Where a stack keeps its Terraform state. */
export interface StateLocation {
  /** S3 bucket, one key per stack, locked with an S3 lock file. @default - local state */
  readonly s3?: StateConfig;
  /** How the S3 backend gets credentials (config/roles.ts credentialsFor). @default - the environment's */
  readonly credentials?: StackCredentials;
  /** Directory of local state files. @default - the working directory */
  readonly localDir?: string;
}

export function configureState(stack: TerraformStack, stackName: string, state: StateLocation): void {
  if (!state.s3) {
    new LocalBackend(stack, { path: join(state.localDir ?? process.cwd(), `terraform.${stackName}.tfstate`) });
    return;
  }
  new S3Backend(stack, {
    bucket: state.s3.bucket,
    key: `${state.s3.key_prefix}/${stackName}.tfstate`,
    region: state.s3.region,
    encrypt: true,
    profile: state.credentials?.profile,
    assumeRole: state.credentials?.roleArn ? { roleArn: state.credentials.roleArn } : undefined,
  });
  // cdktf 0.21 predates S3-native locking (Terraform 1.10+); the lock file replaces the DynamoDB table.
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
}

export interface ProviderProps {
  readonly region: string;
  /** The only account this provider may act in (allowed_account_ids): a wrong role or profile fails at plan, before any change. */
  readonly accountId: string;
  /** A role to assume or a profile to use (config/roles.ts credentialsFor). @default - the credentials Terraform runs with */
  readonly credentials?: StackCredentials;
  readonly sessionName: string;
  readonly defaultTags: Record<string, string>;
  /** A second provider of the stack, for another region. @default - the stack's default provider */
  readonly alias?: string;
}

export function awsProvider(stack: TerraformStack, props: ProviderProps): AwsProvider {
  return new AwsProvider(stack, props.alias ? `aws-${props.alias}` : "aws", {
    alias: props.alias,
    region: props.region,
    allowedAccountIds: [props.accountId],
    profile: props.credentials?.profile,
    assumeRole: props.credentials?.roleArn ? [{ roleArn: props.credentials.roleArn, sessionName: props.sessionName }] : undefined,
    defaultTags: [{ tags: props.defaultTags }],
  });
}
