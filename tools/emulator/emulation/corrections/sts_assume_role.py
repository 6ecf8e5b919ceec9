"""AssumeRole succeeds only for a role that exists and whose trust policy admits the caller.

moto lets any credentials assume any role ARN, existing or not (moto's STSBackend.assume_role:
"the role does not need to exist"). In AWS the role must exist and the request is authorized by
the role's trust policy, and, when the caller is in another account, by the caller's own identity
policies too (IAM user guide, "Policy evaluation logic", cross-account requests; "How to use trust
policies with IAM roles"). A refusal is AccessDenied with the same message whether the role is
missing or only distrusts the caller (STS API reference, AssumeRole, Errors; AWS does not reveal
which). Trust and identity policies are decided by the independent policy engine (policy_engine.py)
with the condition keys AWS fills: aws:PrincipalAccount, aws:PrincipalArn and, for members of the
emulated organization, aws:PrincipalOrgID and aws:PrincipalOrgPaths.
"""

import json

from moto.sts.exceptions import STSClientError
from moto.sts.responses import TokenResponse

from .. import policy_engine
from ..accounts import caller_of_request, context_of, role_by_arn


class AccessDeniedError(STSClientError):
    code = "AccessDenied"

    def __init__(self, message: str) -> None:
        super().__init__("AccessDenied", message)


class InvalidClientTokenIdError(STSClientError):
    code = "InvalidClientTokenId"

    def __init__(self) -> None:
        super().__init__("InvalidClientTokenId", "The security token included in the request is invalid.")


_assume_role = TokenResponse.assume_role


def _assume_role_as_aws_does(self):
    role_arn = self._get_param("RoleArn") or ""
    caller = caller_of_request(self)
    if caller is None:
        raise InvalidClientTokenIdError()
    denied = AccessDeniedError(f"User: {caller.session_arn or caller.principal_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
    role = role_by_arn(role_arn)
    if role is None:
        raise denied
    decision = policy_engine.decide(
        principal=caller.principal_arn,
        action="sts:AssumeRole",
        resource=role.arn,
        resource_account=role.account_id,
        context=context_of(caller),
        identity_policies=caller.identity_policies,
        resource_policy=json.loads(role.assume_role_policy_document),
    )
    if not decision.allowed:
        raise denied
    return _assume_role(self)


def apply() -> None:
    TokenResponse.assume_role = _assume_role_as_aws_does
