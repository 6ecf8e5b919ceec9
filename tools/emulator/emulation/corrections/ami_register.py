"""RegisterImage keeps what it is given, and snapshots keep their volume's key.

moto's RegisterImage drops TagSpecifications and BlockDeviceMappings (every AMI gets a fresh,
unencrypted 15 GiB snapshot), and its CreateSnapshot drops the volume's KMS key. AWS:

- RegisterImage, TagSpecifications: "The tags to apply to the AMI" (resource type image);
  BlockDeviceMappings: "The block device mapping entries", for an EBS-backed AMI the snapshot of
  each device, the root device's among them (EC2 API reference, RegisterImage).
- "Snapshots that are taken from encrypted volumes are automatically encrypted", with the volume's
  KMS key (Amazon EBS user guide, "How Amazon EBS encryption works").

So an AMI registered from an encrypted snapshot is encrypted with that snapshot's key: what the
launch checks of encrypted_launches.py decide on, and what DescribeImages reports (Encrypted).
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.models.amis import Ami
from moto.ec2.models.elastic_block_store import EBSBackend
from moto.ec2.responses.amis import AmisResponse

_create_snapshot: Any = None


def _create_snapshot_keeping_key(self: EBSBackend, volume_id: str, description: str, owner_id: str | None = None, from_ami: str | None = None):
    snapshot = _create_snapshot(self, volume_id, description, owner_id=owner_id, from_ami=from_ami)
    volume = self.get_volume(volume_id)
    if getattr(volume, "encrypted", False):
        snapshot.kms_key_id = volume.kms_key_id
    return snapshot


def _register_image(self: AmisResponse) -> ActionResult:
    self.error_on_dryrun()
    image = self.ec2_backend.register_image(self._get_param("Name"), self._get_param("Description", ""))
    root = self._get_param("RootDeviceName")
    if root:
        image.root_device_name = root
    mappings = []
    for mapping in self._get_param("BlockDeviceMappings", []) or []:
        ebs = mapping.get("Ebs") or {}
        snapshot = self.ec2_backend.get_snapshot(ebs["SnapshotId"]) if ebs.get("SnapshotId") else None
        mappings.append({"device": mapping.get("DeviceName"), "ebs": ebs, "snapshot": snapshot})
    if mappings:
        image.golden_ami_mappings = mappings
        root_mapping = next((m for m in mappings if m["device"] == image.root_device_name and m["snapshot"]), None)
        if root_mapping:
            image.ebs_snapshot = root_mapping["snapshot"]
    for spec in self._get_param("TagSpecifications", []) or []:
        if spec.get("ResourceType") == "image":
            image.add_tags({tag["Key"]: tag["Value"] for tag in spec.get("Tags", [])})
    return ActionResult({"ImageId": image.id})


def snapshots_of(ami: Ami) -> list[Any]:
    """Every snapshot an AMI's devices are made from."""
    mappings = getattr(ami, "golden_ami_mappings", None)
    if mappings:
        return [m["snapshot"] for m in mappings if m["snapshot"] is not None]
    return [ami.ebs_snapshot]


def _block_device_mappings(self: Ami) -> list[dict[str, Any]]:
    mappings = getattr(self, "golden_ami_mappings", None)
    if not mappings:
        snapshot = self.ebs_snapshot
        return [{"DeviceName": self.root_device_name, "Ebs": _ebs(snapshot, {"VolumeSize": 15, "DeleteOnTermination": False, "VolumeType": "standard"})}]
    return [{"DeviceName": m["device"], "Ebs": _ebs(m["snapshot"], m["ebs"])} for m in mappings]


def _ebs(snapshot: Any, given: dict[str, Any]) -> dict[str, Any]:
    ebs = {
        "SnapshotId": snapshot.id if snapshot else None,
        "VolumeSize": given.get("VolumeSize") or (snapshot.volume.size if snapshot else None),
        "DeleteOnTermination": given.get("DeleteOnTermination", True),
        "VolumeType": given.get("VolumeType", "gp3"),
        "Encrypted": bool(snapshot and snapshot.encrypted),
    }
    return {k: v for k, v in ebs.items() if v is not None}


def apply() -> None:
    global _create_snapshot
    _create_snapshot = EBSBackend.create_snapshot
    EBSBackend.create_snapshot = _create_snapshot_keeping_key
    AmisResponse.register_image = _register_image
    Ami.block_device_mappings = property(_block_device_mappings)  # type: ignore[assignment]
