"""Replica keys get their own tags, aliases and grants.

ReplicateKey takes Tags for the replica (KMS API reference, ReplicateKey: "Tags: Assigns one or
more tags to the replica key"); moto drops them, and the provider's aws_kms_replica_key waits ten
minutes for them to appear, then fails. moto's replica is also a shallow copy sharing the primary's
aliases and grants, so the replica region "already has" the primary's alias; in KMS, aliases and
grants are per region, never shared by replicas (KMS developer guide, "Multi-Region keys": shared
vs independent properties).
"""

from moto.kms.models import kms_backends
from moto.kms.responses import KmsResponse

_replicate_key = KmsResponse.replicate_key


def _replicate_key_as_kms_does(self):
    answer = _replicate_key(self)
    key_id = self.kms_backend.describe_key(self._get_param("KeyId")).id
    replica_backend = kms_backends[self.current_account][self._get_param("ReplicaRegion")]
    replica = replica_backend.keys[key_id]
    replica.aliases = {}
    replica.grants = {}
    tags = self._get_param("Tags") or []
    if tags:
        replica_backend.tagger.tag_resource(key_id, tags)
    return answer


def apply() -> None:
    KmsResponse.replicate_key = _replicate_key_as_kms_does
