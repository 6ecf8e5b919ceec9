"""AWS managed policies exist in every account.

AWS managed policies (arn:aws:iam::aws:policy/…) are "created and administered by AWS" and
attachable in every account (IAM user guide, "AWS managed policies"). moto only knows them when it
loads all of them into every account at start (MOTO_IAM_LOAD_MANAGED_POLICIES, slow with many
accounts), so attaching one fails with NoSuchEntity. Here an account meets an AWS managed policy
the first time it names one: its document comes from moto's own copy of AWS's managed policies.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Callable

from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy, IAMBackend


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict[str, Any]]:
    return json.loads(aws_managed_policies_data)


def ensure_managed_policy(backend: IAMBackend, arn: str) -> None:
    """Loads an AWS managed policy into the account the first time an ARN names it."""
    if not isinstance(arn, str) or ":iam::aws:policy/" not in arn or arn in backend.managed_policies:
        return
    name = arn.rsplit("/", 1)[-1]
    data = _catalogue().get(name)
    if data is None:
        return
    policy = AWSManagedPolicy.from_data(name, backend.account_id, backend.region_name, data)
    if policy.arn == arn:
        backend.managed_policies[arn] = policy


def _loading(method: Callable[..., Any]) -> Callable[..., Any]:
    def loading(self: IAMBackend, policy_arn: str, *args: Any, **kwargs: Any) -> Any:
        ensure_managed_policy(self, policy_arn)
        return method(self, policy_arn, *args, **kwargs)

    return loading


def apply() -> None:
    for name in ("attach_role_policy", "attach_user_policy", "attach_group_policy", "get_policy", "get_policy_version", "list_policy_versions"):
        original = getattr(IAMBackend, name, None)
        if original is not None:
            setattr(IAMBackend, name, _loading(original))
