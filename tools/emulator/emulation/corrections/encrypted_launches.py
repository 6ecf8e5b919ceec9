"""Launching from an encrypted AMI needs the snapshots' KMS key: its key policy or a grant.

moto launches from any AMI. When a volume is created from an encrypted snapshot, EC2 uses the
snapshot's KMS key for the launching principal: it sends GenerateDataKeyWithoutPlaintext, then
Decrypt when the volume is attached, and creates a grant for itself (Amazon EBS user guide, "How
Amazon EBS encryption works", encrypted snapshots; KMS developer guide, "How Amazon Elastic Block
Store (Amazon EBS) uses AWS KMS"). For an AMI shared by another account, "you must allow the AWS
accounts to use the KMS keys that were used to encrypt the snapshots" (EC2 user guide, "Share an
AMI with specific AWS accounts", Encryption and keys).

Who launches: RunInstances launches as its caller (with the caller's IAM policies); an Auto
Scaling group launches as its account's service-linked role AWSServiceRoleForAutoScaling, whose
AWS-managed policy grants no KMS use, so across accounts it needs a grant on the key ("Required
AWS KMS key policy for use with encrypted volumes", EC2 Auto Scaling user guide, example 2:
"create a grant ... from the account that owns the Auto Scaling group"). Each operation is decided
by kms_cross_account.key_allows (grants first, then key policy and identity policies in the
policy engine), with kms:ViaService ec2.<region>.amazonaws.com and, for EC2's own grant,
kms:GrantIsForAWSResource true.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.responses.instances import InstanceResponse

from ..accounts import Caller, caller_of_request, context_of
from .ami_register import snapshots_of
from .kms_cross_account import key_allows, key_in_account

#: What EC2 asks of the snapshots' key for a launch, in the order it asks.
LAUNCH_OPERATIONS = ("GenerateDataKeyWithoutPlaintext", "Decrypt", "CreateGrant")

AUTO_SCALING_ROLE = "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"


def snapshot_keys(ami: Any) -> list[str]:
    """ARNs of the KMS keys of an AMI's encrypted snapshots."""
    return sorted({s.kms_key_id for s in snapshots_of(getattr(ami, "ami", ami)) if getattr(s, "encrypted", False) and s.kms_key_id})


def launch_refusal(ami: Any, account_id: str, region: str, principal: str, identity_policies: list[dict] | None) -> str | None:
    """Why `principal` of `account_id` cannot launch from `ami` (its keys), or None when it can."""
    caller = Caller(account_id=account_id, principal_arn=principal, identity_policies=identity_policies or [])
    for key_arn in snapshot_keys(ami):
        found = key_in_account(key_arn)
        if found is None:
            return f"the KMS key {key_arn} of the AMI's snapshots does not exist"
        _, key = found
        key_account = key_arn.split(":")[4]
        for operation in LAUNCH_OPERATIONS:
            context = {**context_of(caller), "kms:CallerAccount": account_id, "kms:ViaService": f"ec2.{region}.amazonaws.com"}
            if operation == "CreateGrant":
                context["kms:GrantIsForAWSResource"] = "true"
            decision = key_allows(key, key_account, principal, operation, context, identity_policies)
            if not decision.allowed:
                return f"{principal} may not use kms:{operation} on {key_arn} ({decision.detail})"
    return None


def auto_scaling_role(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:{AUTO_SCALING_ROLE}"


class ClientInternalError(EC2ClientError):
    """What EC2 answers a launch whose volumes' key the caller may not use."""

    def __init__(self) -> None:
        super().__init__("Client.InternalError", "Client error on launch")


_run_instances = InstanceResponse.run_instances


def _run_instances_as_ec2_does(self: InstanceResponse):
    image_id = self._get_param("ImageId")
    caller: Caller | None = caller_of_request(self)
    if image_id and caller is not None:
        ami = self.ec2_backend.describe_images(ami_ids=[image_id])[0]
        if launch_refusal(ami, caller.account_id, self.region, caller.principal_arn, caller.identity_policies):
            raise ClientInternalError()
    return _run_instances(self)


def apply() -> None:
    InstanceResponse.run_instances = _run_instances_as_ec2_does
