"""Requests signed with credentials no account issued are refused.

AWS answers a request signed with an unknown access key with InvalidClientTokenId ("The security
token included in the request is invalid", Common Errors of the AWS API references;
UnrecognizedClientException in JSON protocols; S3: InvalidAccessKeyId, "The AWS access key ID you
provided does not exist in our records", Amazon S3 API reference, Error responses). moto
serves such requests as its default account 123456789012, so a harness that forgot to reach an
account through STS would quietly act in an account that is not part of the emulated
organization. Authentication only: the signature is not verified and no identity policy is
evaluated here (the corrections that decide across accounts evaluate policies themselves).
"""

import json

from moto.core import authorization
from moto.core.exceptions import InvalidClientTokenIdError
from moto.s3.exceptions import S3InvalidAccessKeyIdError

from ..accounts import known_access_key, signing_key

class _JsonInvalidClientTokenId(InvalidClientTokenIdError):
    def __init__(self) -> None:
        super().__init__()
        self.description = json.dumps({"__type": "UnrecognizedClientException", "message": "The security token included in the request is invalid."})


def _authenticate(self, iam_request_cls, resource: str = "*") -> None:
    key = signing_key(self)
    if key is None or known_access_key(key):
        return
    if type(self).__name__ == "S3Response":
        raise S3InvalidAccessKeyIdError()
    json_protocol = "X-Amz-Target" in self.headers or "json" in (self.headers.get("Content-Type") or "")
    raise _JsonInvalidClientTokenId() if json_protocol else InvalidClientTokenIdError()


def apply() -> None:
    authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate
