"""Decisions of the independent IAM policy engine (tools/emulator/policy-engine-server.ts).

moto evaluates no trust, key or cross-account identity policy. The corrections that must decide
(AssumeRole, KMS across accounts, launches from encrypted shared AMIs) ask the same engine the
access-contract tests use, over HTTP on loopback; its address comes in GOLDEN_AMI_POLICY_ENGINE.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    decision: str
    detail: str

    @property
    def allowed(self) -> bool:
        return self.decision == "Allowed"


def decide(
    principal: str,
    action: str,
    resource: str,
    resource_account: str,
    context: dict,
    identity_policies: list[dict],
    resource_policy: dict | None,
) -> Decision:
    endpoint = os.environ.get("GOLDEN_AMI_POLICY_ENGINE")
    if not endpoint:
        raise RuntimeError("GOLDEN_AMI_POLICY_ENGINE is not set: the emulator starts its policy engine first (tools/emulator/emulator.ts)")
    payload = {
        "call": {"principal": principal, "action": action, "resource": resource, "resourceAccount": resource_account, "context": context},
        "policies": {
            "identityPolicies": [{"name": f"policy-{i}", "policy": p} for i, p in enumerate(identity_policies)],
            "resourcePolicy": resource_policy,
        },
    }
    request = urllib.request.Request(endpoint, data=json.dumps(payload).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        body = json.loads(answer.read())
    return Decision(decision=body["decision"], detail=body.get("detail", ""))
