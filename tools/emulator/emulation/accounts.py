"""Who is calling, and where an account sits in the emulated organization.

Shared by the corrections that decide across accounts (AMI visibility, AssumeRole, KMS): the
caller's identity comes from the access key that signed the request, the organization tree from
moto's own Organizations backend, read at request time, so an account moved between OUs sees what
its new place lets it see.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from moto.iam.models import iam_backends
from moto.organizations.models import organizations_backends
from moto.sts.models import sts_backends

PARTITION = "aws"

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


def signing_key(response) -> str | None:
    """The access key a request is signed with (SigV4 header or presigned URL), None when unsigned.
    moto's own get_access_key recognizes AWS-shaped 20-character keys only."""
    match = _CREDENTIAL.search(response.headers.get("Authorization") or "")
    if match:
        return match.group(1)
    presigned = response.querystring.get("X-Amz-Credential") if hasattr(response, "querystring") else None
    return presigned[0].split("/", 1)[0] if presigned else None


def caller_of_request(response) -> "Caller | None":
    """The identity that signed a request (None: unsigned, or a key no account issued)."""
    key = signing_key(response)
    return caller_of(key) if key else None


@dataclass(frozen=True)
class Caller:
    """The principal that signed a request."""

    account_id: str
    #: The IAM principal: a role ARN for an assumed-role session, a user ARN, or an account root.
    principal_arn: str
    #: For sessions: arn:aws:sts::<account>:assumed-role/<role>/<session>.
    session_arn: str | None = None
    identity_policies: list[dict] = field(default_factory=list)


def caller_of(access_key_id: str) -> Caller | None:
    """The identity behind an access key, or None when no account of the emulator issued it."""
    for account_id in list(iam_backends.keys()):
        iam = iam_backends[account_id][PARTITION]
        key = iam.access_keys.get(access_key_id)
        if key is None:
            continue
        if key.role_arn:
            assumed = sts_backends[account_id][PARTITION].get_assumed_role_from_access_key(access_key_id)
            role = _role(account_id, key.role_arn)
            return Caller(
                account_id=account_id,
                principal_arn=key.role_arn,
                session_arn=assumed.arn if assumed else None,
                identity_policies=_policies_of(role) if role else [],
            )
        if key.user_name:
            user = iam.users.get(key.user_name)
            return Caller(
                account_id=account_id,
                principal_arn=user.arn if user else f"arn:{PARTITION}:iam::{account_id}:user/{key.user_name}",
                identity_policies=_policies_of(user) + _group_policies(iam, key.user_name) if user else [],
            )
    return None


def account_of_key(access_key_id: str) -> str | None:
    """The account that issued an access key (the one moto serves its requests from), None when none did."""
    return next((account for account in list(iam_backends.keys()) if access_key_id in iam_backends[account][PARTITION].access_keys), None)


def known_access_key(access_key_id: str) -> bool:
    return account_of_key(access_key_id) is not None


def _role(account_id: str, role_arn: str):
    try:
        return iam_backends[account_id][PARTITION].get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001 - moto raises its own NotFound types
        return None


def role_by_arn(role_arn: str):
    """The role an ARN names, in the account the ARN names; None if it does not exist."""
    parts = role_arn.split(":")
    if len(parts) < 6 or parts[2] != "iam":
        return None
    return _role(parts[4], role_arn)


def _policies_of(principal) -> list[dict]:
    documents = [json.loads(text) if isinstance(text, str) else text for text in principal.policies.values()]
    for managed in principal.managed_policies.values():
        version = next((v for v in managed.versions if v.is_default), None)
        text = version.document if version else getattr(managed, "document", None)
        if text:
            documents.append(json.loads(text) if isinstance(text, str) else text)
    return documents


def _group_policies(iam, user_name: str) -> list[dict]:
    documents: list[dict] = []
    for group in iam.groups.values():
        if any(user.name == user_name for user in group.users):
            documents.extend(_policies_of(group))
    return documents


def policies_of_role(role) -> list[dict]:
    return _policies_of(role)


@dataclass(frozen=True)
class Membership:
    """An account's place in the emulated organization."""

    organization_id: str
    organization_arn: str
    management_account_id: str
    #: OU ids from the root down to the account's parent (the root id first).
    path: tuple[str, ...]

    @property
    def org_paths(self) -> str:
        """aws:PrincipalOrgPaths: o-id/r-id/ou-…/ …, ending in a slash."""
        return "/".join((self.organization_id, *self.path)) + "/"


def membership_of(account_id: str) -> Membership | None:
    """Where an account is in the organization, or None for an account outside every organization."""
    owner = organizations_backends.master_accounts.get(account_id)
    management_id = owner[0] if owner else account_id
    backend = organizations_backends[management_id][PARTITION] if management_id in organizations_backends else None
    if backend is None or backend.org is None:
        return None
    account = next((a for a in backend.accounts if a.id == account_id), None)
    if account is None:
        return None
    units = {unit.id: unit for unit in backend.ou}
    path: list[str] = []
    parent = account.parent_id
    while parent in units:
        path.insert(0, parent)
        parent = units[parent].parent_id
    return Membership(
        organization_id=backend.org.id,
        organization_arn=backend.org.arn,
        management_account_id=management_id,
        path=tuple(path),
    )


def context_of(caller: Caller) -> dict[str, str | list[str]]:
    """The global condition keys AWS fills for a caller: aws:PrincipalAccount, and the org keys for members."""
    context: dict[str, str | list[str]] = {"aws:PrincipalAccount": caller.account_id, "aws:PrincipalArn": caller.principal_arn}
    membership = membership_of(caller.account_id)
    if membership:
        context["aws:PrincipalOrgID"] = membership.organization_id
        context["aws:PrincipalOrgPaths"] = [membership.org_paths]
    return context
