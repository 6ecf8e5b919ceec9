// What the emulator's own tests share: this worker's emulator, reset, and SDK clients per account.
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EC2Client } from "@aws-sdk/client-ec2";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentials, Emulator } from "../../tools/emulator/emulator";
import { REGION, workerEmulator } from "../e2e/emulators";

export { REGION };

/** The emulated organization's accounts (tools/emulator/organization.json). */
export const MANAGEMENT = "000000000000";
export const SHARED = "111122223333";
export const PROD = "444455556666"; // workloads/prod
export const NONPROD = "555566667777"; // workloads/nonprod
export const SANDBOX = "666677778888"; // sandbox
export const OUTSIDER = "999988887777"; // outside the organization

export const ORG_ID = "o-goldenami42";
export const ORG_ARN = `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}`;
export const ouArn = (id: string) => `arn:aws:organizations::${MANAGEMENT}:ou/${ORG_ID}/${id}`;
export const OU = { workloads: "ou-g0ld-workload", nonprod: "ou-g0ld-nonprod0", prod: "ou-g0ld-prod0000", sandbox: "ou-g0ld-sandbox0" };

/** Clients of the emulator as one identity. */
export function clientsOf(emulator: Emulator, credentials: AwsCredentials, region = REGION) {
  const config = emulator.clientConfig({ region, credentials });
  return {
    credentials,
    ec2: new EC2Client(config),
    kms: new KMSClient(config),
    iam: new IAMClient(config),
    sts: new STSClient(config),
    autoScaling: new AutoScalingClient(config),
    organizations: new OrganizationsClient({ ...config, region: "us-east-1" }),
  };
}

export type Clients = ReturnType<typeof clientsOf>;

/** This worker's emulator, reset, and the administrators of its accounts. */
export async function freshOrganization() {
  const emulator = await workerEmulator();
  const admin = async (account: string) => clientsOf(emulator, await emulator.adminOf(account));
  return { emulator, admin };
}

/** A role in an account trusted by `trustedBy`, with an inline identity policy. */
export async function createRole(iam: IAMClient, name: string, trustedBy: string, statements: object[]): Promise<string> {
  const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: trustedBy }, Action: "sts:AssumeRole" }] };
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
  if (statements.length > 0) {
    await iam.send(
      new PutRolePolicyCommand({ RoleName: name, PolicyName: "access", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }),
    );
  }
  return Role!.Arn!;
}

/** The error an SDK call fails with: its name and message. */
export async function failure(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error("expected the call to fail, and it succeeded");
}

/** The organization's AMI key policy as AWS receives it once Terraform has rendered it (`$${` is Terraform's escape of `${`). */
export function renderedKeyPolicy(policy: object): string {
  return JSON.stringify(policy).replace(/\$\$\{/g, "${");
}
