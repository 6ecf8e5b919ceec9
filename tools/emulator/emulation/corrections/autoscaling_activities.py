"""Auto Scaling groups keep their scaling activities.

moto's DescribeScalingActivities always answers an empty list. AWS records an activity per
instance launch, successful or failed (EC2 Auto Scaling API reference, DescribeScalingActivities;
user guide, "Troubleshoot Amazon EC2 Auto Scaling": failed launches appear as activities with
status Failed and a status message). The AWS provider reads them while it waits for a group's
capacity and fails the apply on a Failed activity (terraform-provider-aws,
internal/service/autoscaling/group.go, statusGroupCapacity: "scaling activity (…): Failed: …").
autoscaling_launches.py records the activities; this module stores and answers them.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import ActionResult


class ScalingActivity:
    def __init__(self, group: Any, description: str, cause: str, status_code: str, status_message: str | None = None) -> None:
        self.activity_id = str(uuid.uuid4())
        self.auto_scaling_group_name = group.name
        self.description = description
        self.cause = cause
        self.start_time = datetime.now(timezone.utc)
        self.end_time = self.start_time
        self.status_code = status_code
        self.status_message = status_message
        self.progress = 100
        self.details = "{}"


def record(group: Any, activity: ScalingActivity) -> None:
    activities = group.__dict__.setdefault("golden_ami_activities", [])
    activities.insert(0, activity)


def _describe_scaling_activities(self: AutoScalingResponse) -> ActionResult:
    names = self._get_param("AutoScalingGroupName")
    groups = self.autoscaling_backend.autoscaling_groups
    chosen = [groups[names]] if isinstance(names, str) and names in groups else ([] if names else list(groups.values()))
    activities = [a for group in chosen for a in group.__dict__.get("golden_ami_activities", [])]
    return ActionResult({"Activities": activities})


def apply() -> None:
    AutoScalingResponse.describe_scaling_activities = _describe_scaling_activities
