// Decisions of an independent IAM policy engine (@cloud-copilot/iam-simulate, AGPL-3.0: a
// development dependency, never shipped): the access-contract tests ask it about the policies the
// stacks synthesize, and the emulator asks it (tools/emulator/policy-engine-server.ts) about the
// trust, key and identity policies its accounts hold.
import { runSimulation } from "@cloud-copilot/iam-simulate";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface Call {
  /** The calling principal, such as arn:aws:iam::444455556666:role/golden-ami-deploy. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  /** Request context as AWS fills it for this call (aws:PrincipalOrgID, kms:GranteePrincipal, …). */
  readonly context?: Readonly<Record<string, string | string[]>>;
}

export interface Policies {
  readonly resourcePolicy?: unknown;
  /** The caller's identity policies. */
  readonly identityPolicies: ReadonlyArray<{ readonly name: string; readonly policy: unknown }>;
}

/** The engine's decision, with the deciding statements' ids for messages. */
export async function decide(call: Call, policies: Policies): Promise<{ decision: Decision; detail: string }> {
  const response = await runSimulation(
    {
      request: {
        principal: call.principal,
        action: call.action,
        resource: { resource: call.resource, accountId: call.resourceAccount },
        contextVariables: { ...(call.context ?? {}) },
      },
      identityPolicies: policies.identityPolicies.map((p) => ({ name: p.name, policy: p.policy as never })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policies.resourcePolicy as never,
    },
    {},
  );
  if (response.resultType === "error") throw new Error(`the simulation refused its input: ${JSON.stringify(response.errors)}`);
  // A resource of "*" for an action on typed resources: the engine decides for every resource type.
  if (response.resultType === "wildcard") return { decision: response.overallResult as Decision, detail: "every resource type of the action" };
  const analysis = response.result.analysis;
  const statements = (list: ReadonlyArray<{ explain?: { identifier?: string } }> | undefined) =>
    (list ?? []).map((s) => s.explain?.identifier ?? "?").join(", ");
  const resource = analysis?.resourceAnalysis as
    { allowStatements?: { explain?: { identifier?: string } }[]; denyStatements?: { explain?: { identifier?: string } }[] } | undefined;
  const detail = `resource policy allows by [${statements(resource?.allowStatements)}], denies by [${statements(resource?.denyStatements)}]`;
  return { decision: response.overallResult as Decision, detail };
}
