"""AMIs can be deprecated, and a deprecated AMI leaves other accounts' listings.

moto has no EnableImageDeprecation (it answers HTTP 500). EC2 API reference,
EnableImageDeprecation: "Enables deprecation of the specified AMI at the specified date and time"
(DeprecateAt, UTC; seconds are rounded to the nearest minute); DisableImageDeprecation cancels it;
DescribeImages returns DeprecationTime. Only the owner may deprecate. Whether a deprecated AMI is
listed is decided in ami_visibility.py (owners always see theirs; other accounts only by id or with
IncludeDeprecated).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import InvalidAMIIdError
from moto.ec2.responses.amis import AmisResponse

from .ami_visibility import NotOwnerError, SharedAmi


def deprecated_now(ami: Any) -> bool:
    when = getattr(ami, "deprecation_time", None)
    return bool(when) and _parse(when) <= datetime.now(timezone.utc)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _owned(response: AmisResponse, ami_id: str):
    image = response.ec2_backend.describe_images(ami_ids=[ami_id])[0]
    if isinstance(image, SharedAmi):
        raise NotOwnerError(ami_id)
    if ami_id not in response.ec2_backend.amis:
        raise InvalidAMIIdError(ami_id)
    return image


def enable_image_deprecation(self: AmisResponse) -> ActionResult:
    ami = _owned(self, self._get_param("ImageId"))
    when = self._get_param("DeprecateAt")
    moment = when if isinstance(when, datetime) else _parse(str(when))
    moment = moment.astimezone(timezone.utc)
    rounded = moment.replace(second=0, microsecond=0) + timedelta(minutes=1 if moment.second >= 30 else 0)
    ami.deprecation_time = rounded.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return ActionResult({"Return": True})


def disable_image_deprecation(self: AmisResponse) -> ActionResult:
    ami = _owned(self, self._get_param("ImageId"))
    ami.deprecation_time = None
    return ActionResult({"Return": True})


def apply() -> None:
    AmisResponse.enable_image_deprecation = enable_image_deprecation
    AmisResponse.disable_image_deprecation = disable_image_deprecation
