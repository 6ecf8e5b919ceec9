"""A KMS key of another account is used by its ARN, and allowed by its key policy and grants.

moto looks every key up in the caller's own account, so the shared account's AMI key does not
exist for a workload account, and it evaluates no key policy. AWS (KMS developer guide, "Allowing
users in other accounts to use a KMS key"; "Grants in AWS KMS"; KMS API reference, each operation's
"Cross-account use"):

- Only these operations work on a key of another account: CreateGrant, Decrypt, DescribeKey,
  Encrypt, GenerateDataKey*, GenerateMac, GetKeyRotationStatus, GetPublicKey, ListGrants,
  ReEncrypt, RetireGrant, RevokeGrant, Sign, Verify, VerifyMac. The key is named by its key ARN;
  DescribeKey and the cryptographic operations also take an alias ARN ("To specify a KMS key in a
  different AWS account, you must use the key ARN or alias ARN"), the grant operations do not.
- A cross-account call is allowed when the key policy allows the caller and the caller's own IAM
  policies allow it too, or when a grant on the key gives the caller (its grantee principal) that
  operation. Both are decided by the independent policy engine with the condition keys KMS fills:
  kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalOrgPaths, and for
  CreateGrant kms:GranteePrincipal, kms:RetiringPrincipal, kms:GrantOperations and
  kms:GrantIsForAWSResource (false for a direct call).
- "The grant determines who can retire it" ("Retiring and revoking grants"): its retiring
  principal (an account principal: any principal of that account), its grantee if the grant
  includes RetireGrant, or the account in which the grant was created.
- A refusal is AccessDeniedException naming the caller, the action and the key.

Calls within one account are left as moto answers them (no policy is evaluated there).
"""

from __future__ import annotations

import json
from typing import Any, Callable

from moto.core.exceptions import JsonRESTError
from moto.kms.exceptions import NotFoundException
from moto.kms.models import KmsBackend, kms_backends
from moto.kms.responses import KmsResponse

from .. import policy_engine
from ..accounts import Caller, caller_of_request, context_of

CROSS_ACCOUNT_OPERATIONS = {
    "create_grant": "CreateGrant",
    "decrypt": "Decrypt",
    "describe_key": "DescribeKey",
    "encrypt": "Encrypt",
    "generate_data_key": "GenerateDataKey",
    "generate_data_key_without_plaintext": "GenerateDataKeyWithoutPlaintext",
    "generate_mac": "GenerateMac",
    "get_key_rotation_status": "GetKeyRotationStatus",
    "get_public_key": "GetPublicKey",
    "list_grants": "ListGrants",
    "re_encrypt": "ReEncrypt",
    "retire_grant": "RetireGrant",
    "revoke_grant": "RevokeGrant",
    "sign": "Sign",
    "verify": "Verify",
    "verify_mac": "VerifyMac",
}
ALIAS_ARN_ACCEPTED = {"DescribeKey", "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateMac", "ReEncrypt", "Sign", "Verify", "VerifyMac", "GetPublicKey"}


class KmsAccessDeniedError(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("AccessDeniedException", message)


def _arn_parts(reference: str) -> tuple[str, str, str] | None:
    """(account, region, resource) of a key or alias ARN."""
    parts = reference.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "kms":
        return parts[4], parts[3], parts[5]
    return None


def key_in_account(reference: str) -> tuple[KmsBackend, Any] | None:
    """The backend and key a key ARN or alias ARN names, or None when it does not exist."""
    parts = _arn_parts(reference)
    if parts is None or parts[0] not in kms_backends or parts[1] not in kms_backends[parts[0]]:
        return None
    backend = kms_backends[parts[0]][parts[1]]
    try:
        return backend, backend.describe_key(backend.any_id_to_key_id(reference))
    except Exception:  # noqa: BLE001 - moto raises KeyError or NotFound
        return None


def key_allows(
    key: Any,
    key_account: str,
    principal: str,
    operation: str,
    context: dict[str, Any],
    identity_policies: list[dict] | None,
) -> policy_engine.Decision:
    """The key policy (with the caller's identity policies; None: a principal without any, such as a
    service-linked role) and the key's grants, for one operation of a principal."""
    for grant in key.grants.values():
        if grant.grantee_principal == principal and operation in grant.operations:
            return policy_engine.Decision("Allowed", f"grant {grant.id} ({grant.name})")
    return policy_engine.decide(
        principal=principal,
        action=f"kms:{operation}",
        resource=key.arn,
        resource_account=key_account,
        context=context,
        identity_policies=identity_policies or [],
        resource_policy=json.loads(key.policy) if isinstance(key.policy, str) else key.policy,
    )


def _context(response: KmsResponse, caller: Caller, operation: str) -> dict[str, Any]:
    context: dict[str, Any] = {**context_of(caller), "kms:CallerAccount": caller.account_id}
    if operation == "CreateGrant":
        context["kms:GranteePrincipal"] = response._get_param("GranteePrincipal")
        if response._get_param("RetiringPrincipal"):
            context["kms:RetiringPrincipal"] = response._get_param("RetiringPrincipal")
        context["kms:GrantOperations"] = list(response._get_param("Operations") or [])
        context["kms:GrantIsForAWSResource"] = "false"
    return context


def _may_retire(key: Any, caller: Caller, grant_id: str) -> bool:
    grant = key.grants.get(grant_id)
    if grant is None:
        return True  # moto answers a missing grant itself
    retiring = grant.retiring_principal or ""
    return (
        retiring in (caller.principal_arn, caller.session_arn, f"arn:aws:iam::{caller.account_id}:root")
        or (grant.grantee_principal == caller.principal_arn and "RetireGrant" in grant.operations)
        or getattr(grant, "created_by_account", None) == caller.account_id
    )


def _guard(method: str, operation: str, original: Callable[[KmsResponse], Any]) -> Callable[[KmsResponse], Any]:
    def guarded(self: KmsResponse) -> Any:
        reference = self._get_param("KeyId") or ""
        parts = _arn_parts(reference)
        if parts is None or parts[0] == self.current_account:
            return _remember_creator(self, operation, original(self))
        if parts[2].startswith("alias/") and operation not in ALIAS_ARN_ACCEPTED:
            raise NotFoundException(f"Invalid keyId {reference}: {operation} takes the key ARN of a key in another account, not an alias ARN")
        found = key_in_account(reference)
        if found is None:
            raise NotFoundException(f"Key '{reference}' does not exist")
        backend, key = found
        caller = caller_of_request(self)
        if caller is None:
            raise KmsAccessDeniedError("The security token included in the request is invalid.")
        who = caller.session_arn or caller.principal_arn
        if operation == "RetireGrant":
            allowed = _may_retire(key, caller, self._get_param("GrantId") or "")
            detail = "the grant names neither the caller nor its account as retiring principal"
        else:
            decision = key_allows(key, parts[0], caller.principal_arn, operation, _context(self, caller, operation), caller.identity_policies)
            allowed, detail = decision.allowed, decision.detail
        if not allowed:
            raise KmsAccessDeniedError(f"User: {who} is not authorized to perform: kms:{operation} on resource: {key.arn} ({detail})")
        self._golden_ami_backend = backend
        try:
            return _remember_creator(self, operation, original(self))
        finally:
            self._golden_ami_backend = None

    guarded.__name__ = method
    return guarded


def _remember_creator(response: KmsResponse, operation: str, answer: Any) -> Any:
    """Grants remember the account that created them (it may retire them)."""
    if operation == "CreateGrant":
        grant_id = json.loads(answer)["GrantId"]
        for key in response.kms_backend.keys.values():
            if grant_id in key.grants:
                key.grants[grant_id].created_by_account = response.current_account
    return answer


def _kms_backend(self: KmsResponse) -> KmsBackend:
    return getattr(self, "_golden_ami_backend", None) or kms_backends[self.current_account][self.region]


def apply() -> None:
    KmsResponse.kms_backend = property(_kms_backend)  # type: ignore[assignment]
    for method, operation in CROSS_ACCOUNT_OPERATIONS.items():
        original = getattr(KmsResponse, method, None)
        if original is not None:
            setattr(KmsResponse, method, _guard(method, operation, original))
