// A KMS key of another account, by its ARN, allowed by its key policy and the caller's own policies
// or by a grant (kms_cross_account.py), on the organization's AMI key policy as the shared stack
// synthesizes it (constructs/shared-ami-key.ts). One positive and one negative case per rule.
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListGrantsCommand,
  PutKeyPolicyCommand,
  RetireGrantCommand,
} from "@aws-sdk/client-kms";
import { AUTO_SCALING_GRANT_OPERATIONS, AUTO_SCALING_SERVICE_LINKED_ROLE, sharedAmiKeyPolicy } from "../../constructs/shared-ami-key";
import type { Emulator } from "../../tools/emulator/emulator";
import {
  Clients,
  clientsOf,
  createRole,
  failure,
  freshOrganization,
  renderedKeyPolicy,
  MANAGEMENT,
  NONPROD,
  ORG_ID,
  OUTSIDER,
  PROD,
  REGION,
  SHARED,
} from "./accounts";

jest.setTimeout(60_000);

let emulator: Emulator;
let keyArn: string;
const ALIAS = "golden-ami";
const aliasArn = `arn:aws:kms:${REGION}:${SHARED}:alias/${ALIAS}`;
/** A deploy role per account, with the workload deploy role's KMS permission: the shared account's keys. */
const deploy: Record<string, Clients> = {};
let withoutKmsPermission: Clients;

const slr = (account: string) => `arn:aws:iam::${account}:${AUTO_SCALING_SERVICE_LINKED_ROLE}`;
const grantFor = (account: string, keyId = keyArn) =>
  new CreateGrantCommand({
    KeyId: keyId,
    GranteePrincipal: slr(account),
    RetiringPrincipal: `arn:aws:iam::${account}:root`,
    Operations: [...AUTO_SCALING_GRANT_OPERATIONS],
    Name: `golden-ami-autoscaling-${account}`,
  });

beforeAll(async () => {
  let admin: (account: string) => Promise<Clients>;
  ({ emulator, admin } = await freshOrganization());
  const shared = await admin(SHARED);
  const { KeyMetadata } = await shared.kms.send(new CreateKeyCommand({ Policy: renderedKeyPolicy(sharedAmiKeyPolicy(`arn:aws:iam::${SHARED}:root`, ORG_ID)) }));
  keyArn = KeyMetadata!.Arn!;
  await shared.kms.send(new CreateAliasCommand({ AliasName: `alias/${ALIAS}`, TargetKeyId: KeyMetadata!.KeyId }));
  const kmsOnSharedKeys = { Effect: "Allow", Action: "kms:*", Resource: `arn:aws:kms:*:${SHARED}:key/*` };
  for (const account of [PROD, NONPROD, OUTSIDER]) {
    const role = await createRole((await admin(account)).iam, "deploy", `arn:aws:iam::${MANAGEMENT}:root`, [kmsOnSharedKeys]);
    deploy[account] = clientsOf(emulator, await emulator.assume(role));
  }
  const bare = await createRole((await admin(PROD)).iam, "no-kms", `arn:aws:iam::${MANAGEMENT}:root`, []);
  withoutKmsPermission = clientsOf(emulator, await emulator.assume(bare));
});

describe("finding the key from another account", () => {
  it("DescribeKey by alias ARN, from an organization account whose policy allows it: the key's metadata", async () => {
    const { KeyMetadata } = await deploy[PROD].kms.send(new DescribeKeyCommand({ KeyId: aliasArn }));
    expect(KeyMetadata?.Arn).toBe(keyArn);
  });

  it("DescribeKey from the outsider (not in the organization): AccessDeniedException naming the caller, the action and the key", async () => {
    const { name, message } = await failure(deploy[OUTSIDER].kms.send(new DescribeKeyCommand({ KeyId: aliasArn })));
    expect(name).toBe("AccessDeniedException");
    expect(message).toContain(`User: arn:aws:sts::${OUTSIDER}:assumed-role/deploy/`);
    expect(message).toContain(`kms:DescribeKey on resource: ${keyArn}`);
  });

  it("DescribeKey from a member whose own policy grants no KMS: denied (across accounts both policies must allow)", async () => {
    expect((await failure(withoutKmsPermission.kms.send(new DescribeKeyCommand({ KeyId: aliasArn })))).name).toBe("AccessDeniedException");
  });

  it("a bare alias name names a key of the caller's own account: NotFound there", async () => {
    expect((await failure(deploy[PROD].kms.send(new DescribeKeyCommand({ KeyId: `alias/${ALIAS}` })))).name).toBe("NotFoundException");
  });
});

describe("grants for each account's Auto Scaling service-linked role", () => {
  let grantId: string;

  it("a workload account creates a grant for its own service-linked role", async () => {
    const created = await deploy[PROD].kms.send(grantFor(PROD));
    grantId = created.GrantId!;
    expect(grantId).toBeTruthy();
  });

  it("...by key ARN only: with the alias ARN, NotFoundException (grant operations take no alias across accounts)", async () => {
    expect((await failure(deploy[PROD].kms.send(grantFor(PROD, aliasArn)))).name).toBe("NotFoundException");
  });

  it("a workload account cannot create a grant for another account's role (the key policy binds the grantee to the caller's account)", async () => {
    expect((await failure(deploy[NONPROD].kms.send(grantFor(PROD)))).name).toBe("AccessDeniedException");
  });

  it("an organization account lists the key's grants (aws_kms_grant reads its grant back)", async () => {
    const { Grants = [] } = await deploy[NONPROD].kms.send(new ListGrantsCommand({ KeyId: keyArn }));
    expect(Grants.map((g) => g.GrantId)).toContain(grantId);
  });

  it("the outsider does not", async () => {
    expect((await failure(deploy[OUTSIDER].kms.send(new ListGrantsCommand({ KeyId: keyArn })))).name).toBe("AccessDeniedException");
  });

  it("another account cannot retire the grant; its own account can (the grant's retiring principal)", async () => {
    expect((await failure(deploy[NONPROD].kms.send(new RetireGrantCommand({ KeyId: keyArn, GrantId: grantId })))).name).toBe("AccessDeniedException");
    await deploy[PROD].kms.send(new RetireGrantCommand({ KeyId: keyArn, GrantId: grantId }));
    const { Grants = [] } = await deploy[PROD].kms.send(new ListGrantsCommand({ KeyId: keyArn }));
    expect(Grants.map((g) => g.GrantId)).not.toContain(grantId);
  });

  it("with a key policy that lets no organization account create grants, CreateGrant is refused as AWS would refuse it at apply", async () => {
    const shared = clientsOf(emulator, await emulator.adminOf(SHARED));
    const policy = sharedAmiKeyPolicy(`arn:aws:iam::${SHARED}:root`, ORG_ID);
    const trimmed = { ...policy, Statement: policy.Statement.filter((s) => s.Sid !== "OrganizationGrantsToAutoScaling") };
    await shared.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: renderedKeyPolicy(trimmed) }));
    try {
      const { name, message } = await failure(deploy[PROD].kms.send(grantFor(PROD)));
      expect(name).toBe("AccessDeniedException");
      expect(message).toContain("kms:CreateGrant");
    } finally {
      await shared.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: renderedKeyPolicy(policy) }));
    }
  });
});

describe("cryptographic use across accounts", () => {
  it("a direct Encrypt by an organization account: refused, the key policy lets organization accounts use the key through EC2 only", async () => {
    expect((await failure(deploy[PROD].kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from("x") })))).name).toBe("AccessDeniedException");
  });

  it("a grant allows its grantee what it names, whatever the key policy says", async () => {
    const shared = clientsOf(emulator, await emulator.adminOf(SHARED));
    const { CiphertextBlob } = await shared.kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from("secret") }));
    const grantee = await emulator.adminOf(NONPROD);
    const granteeArn = `arn:aws:iam::${NONPROD}:role/OrganizationAccountAccessRole`;
    expect((await failure(clientsOf(emulator, grantee).kms.send(new DecryptCommand({ KeyId: keyArn, CiphertextBlob })))).name).toBe("AccessDeniedException");
    await shared.kms.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: granteeArn, Operations: ["Decrypt"] }));
    const { Plaintext } = await clientsOf(emulator, grantee).kms.send(new DecryptCommand({ KeyId: keyArn, CiphertextBlob }));
    expect(Buffer.from(Plaintext!).toString()).toBe("secret");
  });
});
