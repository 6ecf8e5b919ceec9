"""moto server, with two corrections where moto differs from AWS in a way Terraform sees.

1. Launch template tags.

moto copies the tags of CreateLaunchTemplate's own TagSpecification (resource type
"launch-template": the tags of the template itself) into the template's LaunchTemplateData.
EC2 does not, and "launch-template" is not even a valid resource type inside launch template
data. The AWS provider then reads back a tag_specifications block it never wrote, and every plan
after an apply shows a change. Dropping that copy makes the emulator answer as EC2 does; nothing
else is changed.

2. Auto Scaling group names. CreateAutoScalingGroup with the name of an existing group fails in
AWS with AlreadyExists ("You already have an Auto Scaling group or launch configuration with this
name"); moto silently replaces the group. The rerun of an interrupted apply must meet AWS's answer.

3. Replica keys. ReplicateKey takes Tags for the replica (KMS API reference, ReplicateKey:
"Tags: Assigns one or more tags to the replica key"); moto drops them, and the provider's
aws_kms_replica_key waits ten minutes for them to appear, then fails. moto's replica is also a
shallow copy sharing the primary's aliases and grants, so the replica region "already has" the
primary's alias; in KMS, aliases and grants are per region, never shared by replicas (KMS developer
guide, "Multi-Region keys": shared vs independent properties).

Remove a patch when moto fixes the behaviour.
"""

from moto.autoscaling.exceptions import AutoscalingClientError
from moto.autoscaling.models import AutoScalingBackend
from moto.ec2.models.launch_templates import LaunchTemplateBackend
from moto.kms.models import kms_backends
from moto.kms.responses import KmsResponse
from moto.server import main

_create_launch_template = LaunchTemplateBackend.create_launch_template


def _create_launch_template_as_ec2_does(self, name, description, template_data, tag_spec):
    specs = template_data.get("TagSpecifications") or []
    template_data["TagSpecifications"] = [s for s in specs if s.get("ResourceType") != "launch-template"]
    return _create_launch_template(self, name, description, template_data, tag_spec)


LaunchTemplateBackend.create_launch_template = _create_launch_template_as_ec2_does


class AlreadyExistsError(AutoscalingClientError):
    code = "AlreadyExists"


_create_auto_scaling_group = AutoScalingBackend.create_auto_scaling_group


def _create_auto_scaling_group_as_aws_does(self, name, *args, **kwargs):
    if name in self.autoscaling_groups:
        raise AlreadyExistsError(f"AutoScalingGroup by this name already exists - A group with the name {name} already exists")
    return _create_auto_scaling_group(self, name, *args, **kwargs)


AutoScalingBackend.create_auto_scaling_group = _create_auto_scaling_group_as_aws_does

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


KmsResponse.replicate_key = _replicate_key_as_kms_does

if __name__ == "__main__":
    main()
