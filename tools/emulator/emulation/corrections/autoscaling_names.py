"""An Auto Scaling group name is taken once per account and region.

CreateAutoScalingGroup with the name of an existing group fails in AWS with AlreadyExists (EC2 Auto
Scaling API reference, CreateAutoScalingGroup, Errors: "AlreadyExists: You already have an Auto
Scaling group or launch configuration with this name"); moto silently replaces the group. The
rerun of an interrupted apply must meet AWS's answer.
"""

from moto.autoscaling.exceptions import AutoscalingClientError
from moto.autoscaling.models import AutoScalingBackend


class AlreadyExistsError(AutoscalingClientError):
    code = "AlreadyExists"


_create_auto_scaling_group = AutoScalingBackend.create_auto_scaling_group


def _create_auto_scaling_group_as_aws_does(self, name, *args, **kwargs):
    if name in self.autoscaling_groups:
        raise AlreadyExistsError(f"AutoScalingGroup by this name already exists - A group with the name {name} already exists")
    return _create_auto_scaling_group(self, name, *args, **kwargs)


def apply() -> None:
    AutoScalingBackend.create_auto_scaling_group = _create_auto_scaling_group_as_aws_does
