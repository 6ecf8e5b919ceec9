// The organization's AMI key policy, as synthesized and rendered by Terraform, evaluated by an
// independent IAM policy engine for every KMS call the stacks make across accounts, and for the calls
// that must be refused. moto evaluates no key policy; this is where a missing permission shows up
// before a real account sees it. Sources: docs/aws-contract.md rows 1, 2, 22 and 23.
import { AUTO_SCALING_GRANT_OPERATIONS, AUTO_SCALING_SERVICE_LINKED_ROLE } from "../../constructs/shared-ami-key";
import { resourcesOf, synthAll } from "../helpers/example";
import { Call, decide, renderedByTerraform } from "../helpers/iam";

const ORG = "o-xxxxxxxxxx";
const SHARED = "111122223333";
const WORKLOAD = "444455556666";
const OTHER_ORG_ACCOUNT = "777788889999";
const KEY = `arn:aws:kms:ap-northeast-1:${SHARED}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;

const stacks = synthAll();
const keyPolicy = JSON.parse(
  renderedByTerraform(resourcesOf(stacks.shared, "aws_kms_key").find((k) => String(k.description).includes("golden AMIs"))!.policy as string, {
    "data.aws_partition.partition.partition": "aws",
  }),
);

// The roles' own policies for the key. Until the bootstrap stack generates them (issue 19), they stand
// for docs/ci-roles.md: the deploy role may use KMS on the shared key, the plan role reads only
// (ReadOnlyAccess's kms:Describe*, Get*, List*). The key policy is what these cases decide.
const DEPLOY_IDENTITY = [{ name: "deploy-kms", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: KEY }] } }];
const PLAN_IDENTITY = [
  {
    name: "read-only-kms",
    policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Describe*", "kms:Get*", "kms:List*"], Resource: "*" }] },
  },
];

const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const slr = (account: string) => `arn:aws:iam::${account}:${AUTO_SCALING_SERVICE_LINKED_ROLE}`;

/** The context AWS fills for a call from `account` in the organization `org`. */
const from = (account: string, org = ORG) => ({ "aws:PrincipalOrgID": org, "aws:PrincipalAccount": account, "kms:CallerAccount": account });

/** aws_kms_grant's CreateGrant, as the workload stack makes it. */
const createGrant = (account: string, overrides: Record<string, string | string[]> = {}): Call => ({
  principal: role(account, "golden-ami-deploy"),
  action: "kms:CreateGrant",
  resource: KEY,
  resourceAccount: SHARED,
  context: {
    ...from(account),
    "kms:GranteePrincipal": slr(account),
    "kms:RetiringPrincipal": `arn:aws:iam::${account}:root`,
    "kms:GrantOperations": [...AUTO_SCALING_GRANT_OPERATIONS],
    "kms:GrantIsForAWSResource": "false",
    ...overrides,
  },
});

const call = (principal: string, action: string, context: Record<string, string | string[]>): Call => ({
  principal,
  action,
  resource: KEY,
  resourceAccount: SHARED,
  context,
});

const identityOf = (c: Call) => (c.principal.endsWith("/golden-ami-plan") ? PLAN_IDENTITY : DEPLOY_IDENTITY);

async function expectDecision(c: Call, expected: "Allowed" | "denied") {
  const { decision, detail } = await decide(c, { resourcePolicy: keyPolicy, identityPolicies: identityOf(c) });
  const ok = expected === "Allowed" ? decision === "Allowed" : decision !== "Allowed";
  if (!ok) throw new Error(`${c.action} by ${c.principal} on the AMI key: ${decision}, expected ${expected} (${detail}; context ${JSON.stringify(c.context)})`);
}

describe("the AMI key policy, evaluated: what the workload stacks call is allowed", () => {
  it.each([
    ["the deploy role creates its grant (aws_kms_grant create)", createGrant(WORKLOAD)],
    ["the deploy role reads the grant back (create, refresh)", call(role(WORKLOAD, "golden-ami-deploy"), "kms:ListGrants", from(WORKLOAD))],
    ["the plan role reads the grant on refresh", call(role(WORKLOAD, "golden-ami-plan"), "kms:ListGrants", from(WORKLOAD))],
    ["the plan role describes the key (data.aws_kms_key)", call(role(WORKLOAD, "golden-ami-plan"), "kms:DescribeKey", from(WORKLOAD))],
    ["the deploy role describes the key", call(role(WORKLOAD, "golden-ami-deploy"), "kms:DescribeKey", from(WORKLOAD))],
    [
      "EC2 decrypts for a launch in the workload account",
      call(role(WORKLOAD, "golden-ami-deploy"), "kms:Decrypt", { ...from(WORKLOAD), "kms:ViaService": "ec2.ap-northeast-1.amazonaws.com" }),
    ],
    [
      "EC2 creates its own grant for a launch",
      call(role(WORKLOAD, "golden-ami-deploy"), "kms:CreateGrant", {
        ...from(WORKLOAD),
        "kms:GrantIsForAWSResource": "true",
        "kms:ViaService": "ec2.ap-northeast-1.amazonaws.com",
      }),
    ],
  ])("%s", async (_, c) => {
    await expectDecision(c, "Allowed");
  });
});

describe("the AMI key policy, evaluated: what must be refused is denied", () => {
  const outside = "999999999999";
  it.each(["kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKey", "kms:ListGrants", "kms:RevokeGrant", "kms:PutKeyPolicy"])(
    "a principal outside the organization: %s",
    async (action) => {
      await expectDecision(
        call(role(outside, "anything"), action, { ...from(outside, "o-someoneelse"), "kms:ViaService": "ec2.ap-northeast-1.amazonaws.com" }),
        "denied",
      );
    },
  );

  it.each([
    ["for another organization account's Auto Scaling role", { "kms:GranteePrincipal": slr(OTHER_ORG_ACCOUNT) }],
    ["for another role of its own account", { "kms:GranteePrincipal": role(WORKLOAD, "golden-ami-deploy") }],
    ["with operations beyond Auto Scaling's", { "kms:GrantOperations": [...AUTO_SCALING_GRANT_OPERATIONS, "RetireGrant"] }],
    ["retirable by another account", { "kms:RetiringPrincipal": `arn:aws:iam::${OTHER_ORG_ACCOUNT}:root` }],
  ])("an organization account creating a grant %s", async (_, overrides) => {
    await expectDecision(createGrant(WORKLOAD, overrides), "denied");
  });

  it("an organization account creating a grant without a retiring principal", async () => {
    const c = createGrant(WORKLOAD);
    const context = { ...c.context } as Record<string, string | string[]>;
    delete context["kms:RetiringPrincipal"];
    await expectDecision({ ...c, context }, "denied");
  });

  it("an organization account revoking grants (another account's included): grants are retired by their own account", async () => {
    await expectDecision(call(role(WORKLOAD, "golden-ami-deploy"), "kms:RevokeGrant", from(WORKLOAD)), "denied");
  });

  it.each(["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"])("%s called directly, not through EC2", async (action) => {
    await expectDecision(call(role(WORKLOAD, "golden-ami-deploy"), action, from(WORKLOAD)), "denied");
  });

  it.each(["kms:CreateGrant", "kms:RevokeGrant", "kms:RetireGrant", "kms:Decrypt", "kms:ScheduleKeyDeletion"])(
    "the plan role doing a write: %s",
    async (action) => {
      const c =
        action === "kms:CreateGrant"
          ? { ...createGrant(WORKLOAD), principal: role(WORKLOAD, "golden-ami-plan") }
          : call(role(WORKLOAD, "golden-ami-plan"), action, from(WORKLOAD));
      await expectDecision(c, "denied");
    },
  );
});
