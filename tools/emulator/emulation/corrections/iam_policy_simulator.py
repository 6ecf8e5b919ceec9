"""IAM's policy simulator answers, with the independent policy engine.

moto has no SimulatePrincipalPolicy. AWS (IAM API reference, SimulatePrincipalPolicy): "Simulate
how a set of IAM policies attached to an IAM entity works with a list of API operations and AWS
resources to determine the policies' effective permissions": for the principal named by
PolicySourceArn (a user or role; its inline and attached policies), each action in ActionNames on
each resource in ResourceArns (default "*"), an EvaluationResult with EvalActionName,
EvalResourceName and EvalDecision (allowed, explicitDeny or implicitDeny). No resource policy and
no service control policy takes part here (neither is passed), as in the project's preflight.
Decided by policy_engine.py, the engine the access-contract tests use.
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.iam.exceptions import NotFoundException
from moto.iam.responses import IamResponse

from .. import policy_engine
from ..accounts import policies_of_role, role_by_arn

DECISIONS = {"Allowed": "allowed", "ExplicitlyDenied": "explicitDeny", "ImplicitlyDenied": "implicitDeny"}


def _simulate_principal_policy(self: IamResponse) -> ActionResult:
    source = self._get_param("PolicySourceArn") or ""
    role = role_by_arn(source)
    if role is None:
        raise NotFoundException(f"The role with ARN {source} cannot be found.")
    policies = policies_of_role(role)
    actions = self._get_param("ActionNames", []) or []
    resources = self._get_param("ResourceArns", []) or ["*"]
    context = {"aws:PrincipalAccount": role.account_id, "aws:PrincipalArn": role.arn}
    for entry in self._get_param("ContextEntries", []) or []:
        values = entry.get("ContextKeyValues") or []
        context[entry["ContextKeyName"]] = values if len(values) != 1 else values[0]
    results = []
    for action in actions:
        for resource in resources:
            decision = policy_engine.decide(
                principal=role.arn,
                action=action,
                resource=resource,
                resource_account=role.account_id,
                context=context,
                identity_policies=policies,
                resource_policy=None,
            )
            results.append({"EvalActionName": action, "EvalResourceName": resource, "EvalDecision": DECISIONS.get(decision.decision, "implicitDeny")})
    return ActionResult({"EvaluationResults": results, "IsTruncated": False})


def apply() -> None:
    IamResponse.simulate_principal_policy = _simulate_principal_policy
