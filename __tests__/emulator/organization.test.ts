// The emulated organization (tools/emulator/emulation/organization.py) and the corrections that make
// its accounts real: unknown credentials refused (authentication.py), AssumeRole only into an existing
// role whose trust policy, and across accounts the caller's own policy, admit the caller
// (sts_assume_role.py). Driven by the AWS SDK, as the provider and the CLI call it.
import { DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateRoleCommand, GetRoleCommand } from "@aws-sdk/client-iam";
import { ListKeysCommand, KMSClient } from "@aws-sdk/client-kms";
import { DescribeOrganizationCommand, ListAccountsCommand, ListParentsCommand } from "@aws-sdk/client-organizations";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../lib/process";
import type { Emulator } from "../../tools/emulator/emulator";
import { writeScenarioConfig } from "../../tools/emulator/scenario";
import {
  Clients,
  clientsOf,
  createRole,
  failure,
  freshOrganization,
  MANAGEMENT,
  NONPROD,
  ORG_ARN,
  ORG_ID,
  OU,
  OUTSIDER,
  PROD,
  SANDBOX,
  SHARED,
} from "./accounts";

jest.setTimeout(60_000);

let emulator: Emulator;
let admin: (account: string) => Promise<Clients>;
beforeAll(async () => {
  ({ emulator, admin } = await freshOrganization());
});

describe("the organization", () => {
  it("has a management account, members in nested OUs, and an outsider", async () => {
    const management = clientsOf(emulator, emulator.administrator);
    const { Organization } = await management.organizations.send(new DescribeOrganizationCommand({}));
    expect(Organization).toMatchObject({ Id: ORG_ID, Arn: ORG_ARN, MasterAccountId: MANAGEMENT });
    const { Accounts = [] } = await management.organizations.send(new ListAccountsCommand({}));
    expect(Accounts.map((a) => a.Id).sort()).toEqual([MANAGEMENT, SHARED, PROD, NONPROD, SANDBOX].sort());
    expect(Accounts.map((a) => a.Id)).not.toContain(OUTSIDER);
    const parent = async (child: string) => (await management.organizations.send(new ListParentsCommand({ ChildId: child }))).Parents?.[0]?.Id;
    expect(await parent(PROD)).toBe(OU.prod);
    expect(await parent(OU.prod)).toBe(OU.workloads);
    expect(await parent(NONPROD)).toBe(OU.nonprod);
    expect(await parent(SANDBOX)).toBe(OU.sandbox);
  });

  it("a member account sees the organization it belongs to; the outsider is in none", async () => {
    const { Organization } = await (await admin(PROD)).organizations.send(new DescribeOrganizationCommand({}));
    expect(Organization?.Id).toBe(ORG_ID);
    expect((await failure((await admin(OUTSIDER)).organizations.send(new DescribeOrganizationCommand({})))).name).toBe("AWSOrganizationsNotInUseException");
  });

  it("starts from one identity, the management account's administrator, and reaches each account through its access role", async () => {
    const whoAmI = async (clients: Clients) => (await clients.sts.send(new GetCallerIdentityCommand({}))).Arn;
    expect(await whoAmI(clientsOf(emulator, emulator.administrator))).toBe(`arn:aws:iam::${MANAGEMENT}:user/administrator`);
    expect(await whoAmI(await admin(PROD))).toBe(`arn:aws:sts::${PROD}:assumed-role/OrganizationAccountAccessRole/administrator-${PROD}`);
    expect(await whoAmI(await admin(OUTSIDER))).toMatch(new RegExp(`^arn:aws:sts::${OUTSIDER}:assumed-role/`));
  });

  it("a reset gives a new organization: what an account made is gone, the organization and its roles are back", async () => {
    const before = await admin(PROD);
    await before.iam.send(new CreateRoleCommand({ RoleName: "left-over", AssumeRolePolicyDocument: "{}" }));
    await emulator.reset();
    const after = await admin(PROD);
    expect((await failure(after.iam.send(new GetRoleCommand({ RoleName: "left-over" })))).name).toBe("NoSuchEntityException");
    expect((await after.sts.send(new GetCallerIdentityCommand({}))).Account).toBe(PROD);
  });
});

describe("the emulator's log (request_log.py)", () => {
  it("names each request's account, service, action and answer, which werkzeug's POST / line does not", async () => {
    const { ec2 } = await admin(PROD);
    await ec2.send(new DescribeVpcsCommand({}));
    await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0000000000000dead"] })));
    const lines = readFileSync(emulator.logFile, "utf8").split("\n");
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^golden-ami [0-9:.]+ ${PROD} ec2 DescribeVpcs -> 200 `))]));
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^golden-ami [0-9:.]+ ${PROD} ec2 DescribeVpcs -> 400 `))]));
  });
});

describe("credentials no account issued are refused (authentication.py)", () => {
  const unknown = { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" };
  const config = () => emulator.clientConfig({ credentials: unknown });
  it.each([
    ["STS", "InvalidClientTokenId", () => new STSClient(config()).send(new GetCallerIdentityCommand({}))],
    ["EC2", "InvalidClientTokenId", () => new EC2Client(config()).send(new DescribeVpcsCommand({}))],
    ["KMS (JSON protocol)", "UnrecognizedClientException", () => new KMSClient(config()).send(new ListKeysCommand({}))],
    ["S3", "InvalidAccessKeyId", () => new S3Client(config()).send(new ListBucketsCommand({}))],
  ])("%s answers %s", async (_, code, call) => {
    expect((await failure(call())).name).toBe(code);
  });

  it("while the administrator's keys are served", async () => {
    await expect(new EC2Client(emulator.clientConfig()).send(new DescribeVpcsCommand({}))).resolves.toBeDefined();
  });
});

describe("AssumeRole (sts_assume_role.py)", () => {
  const assume = (clients: Clients, roleArn: string) => clients.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "test" }));
  let trustedRole: string;
  let caller: Clients;

  beforeAll(async () => {
    // In PROD, a role trusted by one role of SHARED only, as the bootstrap's roles trust the CI's.
    const shared = await admin(SHARED);
    const callerRole = await createRole(shared.iam, "caller", `arn:aws:iam::${MANAGEMENT}:root`, [
      { Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${PROD}:role/trusts-caller` },
    ]);
    await createRole(shared.iam, "caller-without-permission", `arn:aws:iam::${MANAGEMENT}:root`, []);
    trustedRole = await createRole((await admin(PROD)).iam, "trusts-caller", callerRole, []);
    await createRole((await admin(PROD)).iam, "trusts-the-other", `arn:aws:iam::${SHARED}:role/caller-without-permission`, []);
    caller = clientsOf(emulator, await emulator.assume(callerRole));
  });

  it("into a role whose trust policy names the caller and whose caller's policy allows it: credentials of the role's account", async () => {
    const { Credentials, AssumedRoleUser } = await assume(caller, trustedRole);
    expect(AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${PROD}:assumed-role/trusts-caller/test`);
    const session = clientsOf(emulator, {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken,
    });
    expect((await session.sts.send(new GetCallerIdentityCommand({}))).Account).toBe(PROD);
  });

  it("a role that does not exist: AccessDenied, the same answer as a distrusting one", async () => {
    const { name, message } = await failure(assume(caller, `arn:aws:iam::${PROD}:role/no-such-role`));
    expect(name).toBe("AccessDenied");
    expect(message).toBe(
      `User: arn:aws:sts::${SHARED}:assumed-role/caller/golden-ami-harness is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${PROD}:role/no-such-role`,
    );
  });

  it("a role whose trust policy names someone else: AccessDenied", async () => {
    const outsider = await admin(OUTSIDER);
    expect((await failure(assume(outsider, trustedRole))).name).toBe("AccessDenied");
  });

  it("trusted, but the caller's own policy does not allow it (another account): AccessDenied", async () => {
    const withoutPermission = clientsOf(emulator, await emulator.assume(`arn:aws:iam::${SHARED}:role/caller-without-permission`));
    expect((await failure(assume(withoutPermission, `arn:aws:iam::${PROD}:role/trusts-the-other`))).name).toBe("AccessDenied");
  });

  it("the CI's plan role cannot assume what only its deploy role may (the organization's own CI roles)", async () => {
    const shared = await admin(SHARED);
    await createRole(shared.iam, "golden-ami-deploy", emulator.organization.ci_roles.deploy, []);
    const plan = clientsOf(emulator, await emulator.assume(emulator.organization.ci_roles.plan));
    const deploy = clientsOf(emulator, await emulator.assume(emulator.organization.ci_roles.deploy));
    expect((await failure(assume(plan, `arn:aws:iam::${SHARED}:role/golden-ami-deploy`))).name).toBe("AccessDenied");
    await expect(assume(deploy, `arn:aws:iam::${SHARED}:role/golden-ami-deploy`)).resolves.toBeDefined();
  });
});

describe("bad input to the harness", () => {
  it("a configuration naming an account the organization does not have: the scenario says which, and which exist", async () => {
    const dir = mkdtempSync(join(tmpdir(), "unknown-account-"));
    await expect(writeScenarioConfig(emulator, { dir, edit: (document) => document.setIn(["workloads", 1, "account_id"], "123412341234") })).rejects.toThrow(
      /names accounts the emulated organization does not have: workloads\[1\]\.account_id = 123412341234; it has 111122223333 \(shared\), .*999988887777 \(outsider\)/,
    );
  });

  it("npm run emulator on a port already in use: one line naming the port, exit 2", async () => {
    const port = new URL(emulator.endpoint).port;
    const result = await run(join(__dirname, "..", "..", "node_modules", ".bin", "tsx"), [
      join(__dirname, "..", "..", "tools", "emulator", "cli.ts"),
      "--port",
      port,
    ]);
    expect(result.code).toBe(2);
    expect(
      result.stderr
        .trim()
        .split("\n")
        .filter(
          (line) =>
            !/NodeVersionSupportWarning|node >=22|^\s*$|To continue|security updates|More information|trace-warnings|versions published|will require/.test(
              line,
            ),
        ),
    ).toEqual([`port ${port} is already in use on 127.0.0.1: stop what listens there or choose another --port`]);
  });
});
