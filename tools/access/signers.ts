// Who signed each recorded request: moto hands out one access key per AssumeRole, and
// GetCallerIdentity with that key names the identity. Used to record, per account, which identity
// made which call (the access contract) and to prove which role a command used.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Emulator, RecordedRequest } from "../emulator/emulator";
import { iamActionOf } from "./iam-actions";

export interface Signer {
  /** The role (for an assumed-role session) or user name; "unsigned" for a request without a key. */
  readonly name: string;
  readonly account: string;
}

/** "golden-ami-deploy in 444455556666". */
export const signerLabel = (signer: Signer) => (signer.account ? `${signer.name} in ${signer.account}` : signer.name);

/** Each request's IAM action and the identity that signed it. */
export async function signedActions(emulator: Emulator, requests: ReadonlyArray<RecordedRequest>): Promise<Array<{ action: string; signer: Signer }>> {
  const identities = new Map<string, Promise<Signer>>();
  return Promise.all(
    requests.map(async (request) => {
      const authorization = Object.entries(request.headers).find(([k]) => k.toLowerCase() === "authorization")?.[1] ?? "";
      const key = /Credential=([^/]+)\//.exec(authorization)?.[1];
      if (key && !identities.has(key)) identities.set(key, signerOf(emulator, key));
      return { action: iamActionOf(request), signer: key ? await identities.get(key)! : { name: "unsigned", account: "" } };
    }),
  );
}

/** Actions by signer label, each list sorted and unique. */
export function actionsBySigner(signed: ReadonlyArray<{ action: string; signer: Signer }>): Record<string, string[]> {
  const by: Record<string, Set<string>> = {};
  for (const { action, signer } of signed) (by[signerLabel(signer)] ??= new Set()).add(action);
  return Object.fromEntries(
    Object.entries(by)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([label, actions]) => [label, [...actions].sort()]),
  );
}

async function signerOf(emulator: Emulator, accessKeyId: string): Promise<Signer> {
  const sts = new STSClient(emulator.clientConfig({ credentials: { accessKeyId, secretAccessKey: "unused" } }));
  const { Arn = "", Account = "" } = await sts.send(new GetCallerIdentityCommand({}));
  const name = /:assumed-role\/([^/]+)\//.exec(Arn)?.[1] ?? /:user\/(.+)$/.exec(Arn)?.[1] ?? Arn;
  return { name, account: Account };
}
