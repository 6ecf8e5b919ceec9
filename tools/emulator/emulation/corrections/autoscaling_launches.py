"""Auto Scaling launches only what its account may launch, and says so as AWS does.

- A group whose launch template names an AMI the account cannot see is refused when it is created
  or updated: ValidationError "You must use a valid fully-formed launch template. The image id
  '[ami-…]' does not exist" (EC2 Auto Scaling API reference, CreateAutoScalingGroup and
  UpdateAutoScalingGroup, Errors: ValidationError; the message as AWS returns it).
- An instance launch that fails (the AMI no longer shared, or its snapshots' KMS key not usable by
  the account's Auto Scaling service-linked role: encrypted_launches.py) launches nothing and
  records a Failed scaling activity, "Client.InternalError: Client error on launch" for the key
  (EC2 Auto Scaling user guide, "Troubleshoot Amazon EC2 Auto Scaling: EC2 instance launch
  failures", Client.InternalError), which the provider reports as the apply's error.
"""

from __future__ import annotations

from typing import Any

from moto.autoscaling.exceptions import ValidationError
from moto.autoscaling.models import AutoScalingBackend, FakeAutoScalingGroup
from moto.ec2.exceptions import InvalidAMIIdError

from .autoscaling_activities import ScalingActivity, record
from .encrypted_launches import auto_scaling_role, launch_refusal


def _visible_image(group: FakeAutoScalingGroup) -> Any | None:
    try:
        return group.autoscaling_backend.ec2_backend.describe_images(ami_ids=[group.image_id])[0]
    except InvalidAMIIdError:
        return None


def _replace_instances_as_aws_does(self: FakeAutoScalingGroup, count_needed: int, propagated_tags: dict[str, str]) -> None:
    account, region = self.autoscaling_backend.account_id, self.region
    cause = f"An instance was started in response to a difference between desired and actual capacity, increasing the capacity from {len(self.instance_states)} to {len(self.instance_states) + count_needed}."
    image = _visible_image(self)
    if image is None:
        message = f"The image id '[{self.image_id}]' does not exist. Launching EC2 instance failed."
        record(self, ScalingActivity(self, f"Launching a new EC2 instance.  Status Reason: {message}", cause, "Failed", message))
        return
    refusal = launch_refusal(image, account, region, auto_scaling_role(account), None)
    if refusal:
        message = "Client.InternalError: Client error on launch"
        record(self, ScalingActivity(self, f"Launching a new EC2 instance.  Status Reason: {message}. ({refusal})", cause, "Failed", message))
        return
    before = {state.instance.id for state in self.instance_states}
    _replace_instances(self, count_needed, propagated_tags)
    for state in self.instance_states:
        if state.instance.id not in before:
            record(self, ScalingActivity(self, f"Launching a new EC2 instance: {state.instance.id}", cause, "Successful"))


def _refuse_invisible_image(group: FakeAutoScalingGroup) -> None:
    if group.ec2_launch_template and _visible_image(group) is None:
        raise ValidationError(f"You must use a valid fully-formed launch template. The image id '[{group.image_id}]' does not exist")


# moto's methods as they are when apply() runs (other corrections may have wrapped them already).
_replace_instances: Any = None
_create_group: Any = None
_update_group: Any = None


def _create_group_checked(self: AutoScalingBackend, name: str, *args: Any, **kwargs: Any) -> Any:
    existed = name in self.autoscaling_groups
    created = _create_group(self, name, *args, **kwargs)
    group = self.autoscaling_groups.get(name)
    if group is not None and not existed:
        try:
            _refuse_invisible_image(group)
        except ValidationError:
            del self.autoscaling_groups[name]
            raise
    return created


def _update_group_checked(self: AutoScalingBackend, name: str, *args: Any, **kwargs: Any) -> Any:
    updated = _update_group(self, name, *args, **kwargs)
    if name in self.autoscaling_groups:
        _refuse_invisible_image(self.autoscaling_groups[name])
    return updated


def apply() -> None:
    global _replace_instances, _create_group, _update_group
    _replace_instances = FakeAutoScalingGroup.replace_autoscaling_group_instances
    _create_group = AutoScalingBackend.create_auto_scaling_group
    _update_group = AutoScalingBackend.update_auto_scaling_group
    FakeAutoScalingGroup.replace_autoscaling_group_instances = _replace_instances_as_aws_does
    AutoScalingBackend.create_auto_scaling_group = _create_group_checked
    AutoScalingBackend.update_auto_scaling_group = _update_group_checked
