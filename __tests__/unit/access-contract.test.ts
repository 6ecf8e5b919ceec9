// The reviewed access contract (docs/access/): the calls the real provider made against the emulator,
// per stack kind and phase (recorded by __tests__/e2e/access-recording.test.ts), and the calls the
// emulator cannot produce (reviewed by hand). Evaluated here by an independent IAM policy engine.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { resourcesOf, synthAll } from "../helpers/example";
import { decide, renderedByTerraform } from "../helpers/iam";
import { AUTO_SCALING_GRANT_OPERATIONS, AUTO_SCALING_SERVICE_LINKED_ROLE } from "../../constructs/shared-ami-key";
import { readAccessContract, sharedActions, sharedRolePolicy, workloadActions, workloadRolePolicy } from "../../access/role-policies";

const ROOT = join(__dirname, "..", "..");
const recorded = JSON.parse(readFileSync(join(ROOT, "docs", "access", "recorded.json"), "utf8")) as Record<string, Record<string, string[]>>;
const unrecordable = JSON.parse(readFileSync(join(ROOT, "docs", "access", "unrecordable.json"), "utf8")) as {
  calls: { where: string; role: string; actions: string[]; why: string; source: string }[];
};

const WORKLOAD = "444455556666";
const SHARED = "111122223333";
const KEY = `arn:aws:kms:ap-northeast-1:${SHARED}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
const phases = Object.entries(recorded).flatMap(([kind, byPhase]) => Object.entries(byPhase).map(([phase, actions]) => ({ kind, phase, actions })));
const services = [...new Set(phases.flatMap((p) => p.actions.map((a) => a.split(":")[0])))];
/** What a read-only plan role may do: AWS's ReadOnlyAccess in its essence (docs/ci-roles.md), for every service called. */
const READ_ONLY = {
  name: "read-only",
  policy: {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: services.flatMap((s) => [`${s}:Describe*`, `${s}:Get*`, `${s}:List*`]), Resource: "*" }],
  },
};
/** Actions every identity may call without a permission. */
const NO_PERMISSION_NEEDED = new Set(["sts:GetCallerIdentity"]);
const readOnlyPhases = phases.filter((p) => p.phase.includes("read-only"));

describe("the recorded access contract", () => {
  it("covers every workload kind with plan, create, update or destroy phases, each with calls", () => {
    expect(phases.length).toBeGreaterThanOrEqual(8);
    for (const { kind, phase, actions } of phases) expect(`${kind}: ${phase}: ${actions.length}`).not.toMatch(/: 0$/);
    expect(phases.some((p) => p.phase.startsWith("apply: create"))).toBe(true);
    expect(phases.some((p) => p.phase === "destroy")).toBe(true);
  });

  // A read-only plan (pull requests, `golden-ami plan --read-only`) must need nothing but reads: a
  // provider that writes during refresh would fail under the plan role, or worse, succeed under a
  // broader one. Each recorded call is evaluated against a read-only identity.
  it.each(readOnlyPhases.map((p) => [`${p.kind}, ${p.phase}`, p.actions] as const))("%s: every call is allowed to a read-only role", async (_, actions) => {
    const refused: string[] = [];
    for (const action of actions.filter((a) => !NO_PERMISSION_NEEDED.has(a))) {
      const { decision } = await decide(
        { principal: `arn:aws:iam::${WORKLOAD}:role/golden-ami-plan`, action, resource: "*", resourceAccount: WORKLOAD },
        { identityPolicies: [READ_ONLY] },
      ).catch((error: Error) => ({ decision: `not evaluable (${error.message.slice(0, 200)})` }));
      if (decision !== "Allowed") refused.push(`${action}: ${decision}`);
    }
    expect(refused).toEqual([]);
  });

  // Every KMS call recorded against the shared key is allowed by the key policy, for the role of its
  // phase (RetireGrant is authorized by the grant itself, whose retiring principal is the caller's account).
  it("every recorded KMS call on the shared key is allowed by its key policy for the role that makes it", async () => {
    const keyPolicy = JSON.parse(
      renderedByTerraform(resourcesOf(synthAll().shared, "aws_kms_key").find((k) => String(k.description).includes("golden AMIs"))!.policy as string, {
        "data.aws_partition.partition.partition": "aws",
      }),
    );
    const refused: string[] = [];
    const seen = new Set<string>();
    for (const { kind, phase, actions } of phases.filter((p) => p.kind.startsWith("workload"))) {
      for (const action of actions.filter((a) => a.startsWith("kms:") && a !== "kms:RetireGrant")) {
        const role = phase.includes("read-only") ? "golden-ami-plan" : "golden-ami-deploy";
        seen.add(action);
        const context: Record<string, string | string[]> = {
          "aws:PrincipalOrgID": "o-xxxxxxxxxx",
          "aws:PrincipalAccount": WORKLOAD,
          "kms:CallerAccount": WORKLOAD,
        };
        if (action === "kms:CreateGrant") {
          Object.assign(context, {
            "kms:GranteePrincipal": `arn:aws:iam::${WORKLOAD}:${AUTO_SCALING_SERVICE_LINKED_ROLE}`,
            "kms:RetiringPrincipal": `arn:aws:iam::${WORKLOAD}:root`,
            "kms:GrantOperations": [...AUTO_SCALING_GRANT_OPERATIONS],
          });
        }
        const identity =
          role === "golden-ami-plan"
            ? READ_ONLY
            : { name: "deploy-kms", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: KEY }] } };
        const { decision, detail } = await decide(
          { principal: `arn:aws:iam::${WORKLOAD}:role/${role}`, action, resource: KEY, resourceAccount: SHARED, context },
          { resourcePolicy: keyPolicy, identityPolicies: [identity] },
        );
        if (decision !== "Allowed") refused.push(`${kind}, ${phase}: ${action} by ${role}: ${decision} (${detail})`);
      }
    }
    expect(refused).toEqual([]);
    // The provider's grant calls were recorded at all: otherwise this test would prove nothing.
    expect([...seen].sort()).toEqual(expect.arrayContaining(["kms:CreateGrant", "kms:DescribeKey", "kms:ListGrants"]));
  });

  it("lists what the emulator cannot produce, each with its role, reason and source", () => {
    expect(unrecordable.calls.length).toBeGreaterThan(0);
    for (const call of unrecordable.calls) {
      expect(call.actions.length).toBeGreaterThan(0);
      for (const action of call.actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      expect(call.role.length).toBeGreaterThan(3);
      expect(call.why.length).toBeGreaterThan(20);
      expect(call.source.length).toBeGreaterThan(10);
    }
  });
});

describe("the workload roles' policies, generated from the contract (golden-ami access-policy)", () => {
  const contract = readAccessContract();
  const account = { accountId: WORKLOAD, sharedAccountId: SHARED };
  const policies = { plan: workloadRolePolicy(contract, "plan", account), deploy: workloadRolePolicy(contract, "deploy", account) };
  const keyPolicy = JSON.parse(
    renderedByTerraform(resourcesOf(synthAll().shared, "aws_kms_key").find((k) => String(k.description).includes("golden AMIs"))!.policy as string, {
      "data.aws_partition.partition.partition": "aws",
    }),
  );
  const PARAMETER = `arn:aws:ssm:ap-northeast-1:${WORKLOAD}:parameter/golden-ami/sample/staging`;

  /** The call as AWS sees it: the resource it names and the context AWS fills. */
  function callOf(action: string, role: "plan" | "deploy") {
    const principal = `arn:aws:iam::${WORKLOAD}:role/golden-ami-${role}`;
    const context: Record<string, string | string[]> = {
      "aws:PrincipalOrgID": "o-xxxxxxxxxx",
      "aws:PrincipalAccount": WORKLOAD,
      "kms:CallerAccount": WORKLOAD,
    };
    if (action.startsWith("kms:")) {
      if (action === "kms:CreateGrant")
        Object.assign(context, {
          "kms:GranteePrincipal": `arn:aws:iam::${WORKLOAD}:${AUTO_SCALING_SERVICE_LINKED_ROLE}`,
          "kms:RetiringPrincipal": `arn:aws:iam::${WORKLOAD}:root`,
          "kms:GrantOperations": [...AUTO_SCALING_GRANT_OPERATIONS],
        });
      return { call: { principal, action, resource: KEY, resourceAccount: SHARED, context }, resourcePolicy: keyPolicy };
    }
    if (action.startsWith("ssm:") && action !== "ssm:DescribeParameters")
      return { call: { principal, action, resource: PARAMETER, resourceAccount: WORKLOAD, context } };
    if (action === "iam:CreateServiceLinkedRole")
      return {
        call: {
          principal,
          action,
          resource: `arn:aws:iam::${WORKLOAD}:${AUTO_SCALING_SERVICE_LINKED_ROLE}`,
          resourceAccount: WORKLOAD,
          context: { ...context, "iam:AWSServiceName": "autoscaling.amazonaws.com" },
        },
      };
    return { call: { principal, action, resource: "*", resourceAccount: WORKLOAD, context } };
  }

  async function decisionOf(action: string, role: "plan" | "deploy") {
    const { call, resourcePolicy } = callOf(action, role);
    return (await decide(call, { resourcePolicy, identityPolicies: [{ name: `golden-ami-${role}`, policy: policies[role] }] })).decision;
  }

  it("name every action exactly: no wildcard action, no AWS managed policy", () => {
    for (const policy of Object.values(policies)) {
      for (const statement of policy.Statement as { Action: string[] }[]) for (const action of statement.Action) expect(action).not.toContain("*");
      expect(JSON.stringify(policy)).not.toMatch(/ReadOnlyAccess|AdministratorAccess/);
    }
  });

  // Every call the real provider made in every phase is allowed to the role that makes it: a role too
  // narrow for what the stacks do fails here, not in a customer's account.
  it.each(phases.filter((p) => p.kind.startsWith("workload")).map((p) => [`${p.kind}, ${p.phase}`, p] as const))("%s: allowed to its role", async (_, p) => {
    const role = p.phase.includes("read-only") ? "plan" : "deploy";
    const refused: string[] = [];
    for (const action of p.actions.filter((a) => !NO_PERMISSION_NEEDED.has(a) && a !== "kms:RetireGrant")) {
      const decision = await decisionOf(action, role);
      if (decision !== "Allowed") refused.push(`${action} by golden-ami-${role}: ${decision}`);
    }
    expect(refused).toEqual([]);
  });

  it("the deploy role may also do what the emulator cannot show (instance refresh, the service-linked role, tag on create)", async () => {
    for (const action of [
      "autoscaling:StartInstanceRefresh",
      "autoscaling:DescribeInstanceRefreshes",
      "autoscaling:CancelInstanceRefresh",
      "iam:CreateServiceLinkedRole",
      "ec2:CreateTags",
      "elasticloadbalancing:AddTags",
      "autoscaling:CreateOrUpdateTags",
      "ssm:AddTagsToResource",
    ]) {
      expect(`${action}: ${await decisionOf(action, "deploy")}`).toBe(`${action}: Allowed`);
    }
  });

  it("the plan role is denied every call only applies make", async () => {
    const writes = workloadActions(contract, "deploy").filter((a) => !workloadActions(contract, "plan").includes(a));
    expect(writes).toEqual(expect.arrayContaining(["ec2:CreateLaunchTemplate", "autoscaling:UpdateAutoScalingGroup", "kms:CreateGrant", "ssm:PutParameter"]));
    const allowed: string[] = [];
    for (const action of writes) if ((await decisionOf(action, "plan")) === "Allowed") allowed.push(action);
    expect(allowed).toEqual([]);
  });

  it("the deploy role is denied outside the project's scope", async () => {
    const principal = `arn:aws:iam::${WORKLOAD}:role/golden-ami-deploy`;
    const identityPolicies = [{ name: "golden-ami-deploy", policy: policies.deploy }];
    const context = { "aws:PrincipalOrgID": "o-xxxxxxxxxx", "aws:PrincipalAccount": WORKLOAD };
    const cases = [
      {
        principal,
        action: "ssm:PutParameter",
        resource: `arn:aws:ssm:ap-northeast-1:${WORKLOAD}:parameter/app/database/password`,
        resourceAccount: WORKLOAD,
        context,
      },
      {
        principal,
        action: "kms:CreateGrant",
        resource: `arn:aws:kms:ap-northeast-1:${WORKLOAD}:key/00000000-0000-0000-0000-000000000000`,
        resourceAccount: WORKLOAD,
        context,
      },
      {
        principal,
        action: "iam:CreateServiceLinkedRole",
        resource: `arn:aws:iam::${WORKLOAD}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`,
        resourceAccount: WORKLOAD,
        context: { ...context, "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" },
      },
      { principal, action: "iam:CreateRole", resource: `arn:aws:iam::${WORKLOAD}:role/anything`, resourceAccount: WORKLOAD, context },
      { principal, action: "ec2:TerminateInstances", resource: "*", resourceAccount: WORKLOAD, context },
    ];
    for (const c of cases) expect(`${c.action} ${c.resource}: ${(await decide(c, { identityPolicies })).decision}`).not.toMatch(/: Allowed$/);
  });
});

describe("the shared account's roles' policies, generated from the contract", () => {
  const contract = readAccessContract();
  const policies = { plan: sharedRolePolicy(contract, "plan", { accountId: SHARED }), deploy: sharedRolePolicy(contract, "deploy", { accountId: SHARED }) };

  /** The call as AWS sees it: IAM and KMS calls name the project's resources in the shared account. */
  function callOf(action: string, role: "plan" | "deploy", resource = "*", context: Record<string, string> = {}) {
    const principal = `arn:aws:iam::${SHARED}:role/golden-ami-${role}`;
    const named =
      resource !== "*"
        ? resource
        : action === "iam:CreateServiceLinkedRole"
          ? `arn:aws:iam::${SHARED}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`
          : /^iam:\w*InstanceProfile$/.test(action)
            ? `arn:aws:iam::${SHARED}:instance-profile/golden-ami-image-builder`
            : action.startsWith("iam:")
              ? `arn:aws:iam::${SHARED}:role/golden-ami-image-builder`
              : action.startsWith("kms:") && !["kms:CreateKey", "kms:ListAliases"].includes(action)
                ? `arn:aws:kms:ap-northeast-1:${SHARED}:key/1234abcd-12ab-34cd-56ef-1234567890ab`
                : "*";
    const filled = { ...context };
    if (action === "iam:PassRole") filled["iam:PassedToService"] ??= "imagebuilder.amazonaws.com";
    if (action === "iam:CreateServiceLinkedRole") filled["iam:AWSServiceName"] ??= "imagebuilder.amazonaws.com";
    return { principal, action, resource: named, resourceAccount: SHARED, context: filled };
  }
  // KMS evaluates a key's own policy first: the AMI key's AccountAdministers statement delegates to IAM.
  const amiKeyPolicy = JSON.parse(
    renderedByTerraform(resourcesOf(synthAll().shared, "aws_kms_key").find((k) => String(k.description).includes("golden AMIs"))!.policy as string, {
      "data.aws_partition.partition.partition": "aws",
    }),
  );
  const decisionOf = async (action: string, role: "plan" | "deploy", resource?: string, context?: Record<string, string>) => {
    const call = callOf(action, role, resource, context);
    const onKey = call.resource.includes(":key/");
    return (
      await decide(call, {
        identityPolicies: [{ name: `golden-ami-${role}`, policy: policies[role] }],
        resourcePolicy: onKey && call.resource.includes(SHARED) ? amiKeyPolicy : undefined,
      })
    ).decision;
  };

  it("name every action exactly: no wildcard action, no AWS managed policy", () => {
    for (const policy of Object.values(policies)) {
      for (const statement of policy.Statement as { Action: string[] }[]) for (const action of statement.Action) expect(action).not.toContain("*");
      expect(JSON.stringify(policy)).not.toMatch(/ReadOnlyAccess|AdministratorAccess/);
    }
  });

  it.each(phases.filter((p) => p.kind.startsWith("shared")).map((p) => [`${p.kind}, ${p.phase}`, p] as const))("%s: allowed to its role", async (_, p) => {
    const role = p.phase.includes("read-only") ? "plan" : "deploy";
    const refused: string[] = [];
    for (const action of p.actions.filter((a) => !NO_PERMISSION_NEEDED.has(a))) {
      const decision = await decisionOf(action, role);
      if (decision !== "Allowed") refused.push(`${action} by golden-ami-${role}: ${decision}`);
    }
    expect(refused).toEqual([]);
  });

  it("allows every reviewed call the emulator cannot make (Image Builder, PassRole, the service-linked role, revoke)", async () => {
    const refused: string[] = [];
    for (const call of unrecordable.calls.filter((c) => c.where.startsWith("shared"))) {
      for (const action of call.actions) {
        const decision = await decisionOf(action, call.role as "plan" | "deploy");
        if (decision !== "Allowed") refused.push(`${call.where}: ${action} by ${call.role}: ${decision}`);
      }
    }
    expect(refused).toEqual([]);
    expect(sharedActions(contract, "deploy")).toEqual(expect.arrayContaining(["imagebuilder:CreateImagePipeline", "iam:PassRole", "ec2:DisableImage"]));
  });

  it("the plan role is denied every call only applies make", async () => {
    const writes = sharedActions(contract, "deploy").filter((a) => !sharedActions(contract, "plan").includes(a));
    expect(writes).toEqual(
      expect.arrayContaining([
        "imagebuilder:CreateComponent",
        "imagebuilder:StartImagePipelineExecution",
        "iam:CreateRole",
        "kms:CreateKey",
        "sns:CreateTopic",
        "ec2:EnableImageDeprecation",
      ]),
    );
    const allowed: string[] = [];
    for (const action of writes) if ((await decisionOf(action, "plan")) === "Allowed") allowed.push(action);
    expect(allowed).toEqual([]);
  });

  it.each([
    ["iam:CreateRole on a role outside the project", "iam:CreateRole", `arn:aws:iam::${SHARED}:role/admin`, {}],
    [
      "iam:PassRole of a project role to another service",
      "iam:PassRole",
      `arn:aws:iam::${SHARED}:role/golden-ami-image-builder`,
      { "iam:PassedToService": "lambda.amazonaws.com" },
    ],
    ["iam:PassRole of a role outside the project", "iam:PassRole", `arn:aws:iam::${SHARED}:role/admin`, {}],
    ["kms:PutKeyPolicy on another account's key", "kms:PutKeyPolicy", "arn:aws:kms:ap-northeast-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab", {}],
    [
      "iam:CreateServiceLinkedRole for another service",
      "iam:CreateServiceLinkedRole",
      `arn:aws:iam::${SHARED}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      { "iam:AWSServiceName": "autoscaling.amazonaws.com" },
    ],
  ] as const)("the deploy role is denied %s", async (_, action, resource, context) => {
    expect(await decisionOf(action, "deploy", resource, context)).not.toBe("Allowed");
  });
});
