"""An AMI is seen and launched across accounts exactly as its launch permissions say.

moto keeps each account's AMIs in that account's backend and evaluates no launch permission, so
an AMI shared with another account, its organization or an OU is invisible there. AWS (EC2 API
reference, DescribeImages; EC2 user guide, "Share an AMI with organizations or OUs", "Share an AMI
with specific AWS accounts", "Deprecate an AMI"):

- "The images available to you include public images, private images that you own, and private
  images owned by other AWS accounts for which you have explicit launch permissions": an AMI of
  account S is available to account W when S is W, the AMI is public (group all), or a launch
  permission names W's account id, W's organization ARN, or the ARN of an OU that contains W
  directly or through nested OUs. The organization tree is read at request time.
- Owners: account ids, self (the caller) and aliases such as amazon; without Owners, every
  available image.
- ExecutableUsers: self or the caller's own id returns AMIs shared with the caller, through its
  account, organization or OU; another account's id only AMIs shared with that id explicitly,
  "AMIs that are shared with the account's organization or organizational unit (OU) are not
  returned"; all returns public AMIs.
- "For AMI users, the deprecated AMI does not appear in DescribeImages API calls unless you
  specify its ID or specify that deprecated AMIs must appear (IncludeDeprecated). AMI owners
  continue to see deprecated AMIs." Disabled AMIs appear only with IncludeDisabled.
- "You can't share user-defined tags": another account sees none of the owner's tags; the tags it
  sees (and filters on) are its own tags on that AMI.
- ImageIds naming an AMI the caller cannot see: InvalidAMIID.NotFound, "The image id '[ami-…]'
  does not exist" (EC2 API reference, Error codes: "The specified AMI doesn't exist").
- Only the owner may change an AMI's launch permissions ("To share an AMI, your AWS account must
  own the AMI").

RunInstances and Auto Scaling look AMIs up through the same method, so what a caller cannot see it
cannot launch either (moto validates RunInstances' AMI when MOTO_ENABLE_AMI_VALIDATION is set,
which the emulator sets).
"""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import EC2ClientError, InvalidAMIIdError, MalformedAMIIdError
from moto.ec2.models import ec2_backends
from moto.ec2.models.amis import Ami, AmiBackend
from moto.ec2.responses.amis import AmisResponse
from moto.ec2.utils import generic_filter

from ..accounts import Membership, membership_of


class NotOwnerError(EC2ClientError):
    def __init__(self, ami_id: str) -> None:
        super().__init__("AuthFailure", f"Not authorized for image:{ami_id}")


def launchable_by(ami: Ami, account_id: str, membership: Membership | None) -> bool:
    """Whether the account may see and launch the AMI (its own, public, or shared with it)."""
    if ami.owner_id == account_id:
        return True
    if ami.state == "disabled":
        return False
    return any(_grants(permission, account_id, membership, explicit_only=False) for permission in ami.launch_permissions)


def _grants(permission: dict[str, str], account_id: str, membership: Membership | None, explicit_only: bool) -> bool:
    if permission.get("Group") == "all":
        return not explicit_only
    if permission.get("UserId") == account_id:
        return True
    if explicit_only or membership is None:
        return False
    if "OrganizationArn" in permission:
        return permission["OrganizationArn"].rsplit("/", 1)[-1] == membership.organization_id
    if "OrganizationalUnitArn" in permission:
        arn = permission["OrganizationalUnitArn"]
        return arn.split("/")[-2:-1] == [membership.organization_id] and arn.rsplit("/", 1)[-1] in membership.path
    return False


def is_deprecated(ami: Any) -> bool:
    from .ami_deprecation import deprecated_now

    return deprecated_now(ami)


class SharedAmi:
    """Another account's AMI as the caller sees it: everything but the owner's tags and launch permissions."""

    def __init__(self, ami: Ami, viewer: Any) -> None:
        self.ami = ami
        self._viewer = viewer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ami, name)

    @property
    def launch_permissions(self) -> list[dict[str, str]]:
        return []

    def get_tags(self) -> list[dict[str, str]]:
        return self._viewer.describe_tags(filters={"resource-id": [self.ami.id]})

    @property
    def tag_set(self) -> list[dict[str, str]]:
        return self.get_tags()

    @property
    def tag_list(self) -> list[dict[str, str]]:
        return self.get_tags()

    def get_filter_value(self, filter_name: str, method_name: str | None = None) -> Any:
        if filter_name.startswith("tag"):
            tags = self.get_tags()
            if filter_name.startswith("tag:"):
                return next((t["value"] for t in tags if t["key"] == filter_name[4:]), None)
            return [t["key"] for t in tags] if filter_name == "tag-key" else [t["value"] for t in tags]
        return self.ami.get_filter_value(filter_name, method_name)


def _foreign_amis(backend: AmiBackend) -> list[Ami]:
    """The AMIs other accounts hold in the backend's region (only backends that exist already)."""
    region = backend.region_name  # type: ignore[attr-defined]
    found: list[Ami] = []
    for account_id in list(ec2_backends.keys()):
        if account_id == backend.account_id:  # type: ignore[attr-defined]
            continue
        regions = ec2_backends[account_id]
        if region in regions:
            found.extend(regions[region].amis.values())
    return found


def describe_images(
    self: AmiBackend,
    ami_ids: list[str] | None = None,
    filters: dict[str, Any] | None = None,
    exec_users: list[str] | None = None,
    owners: list[str] | None = None,
    include_deprecated: bool = True,
    include_disabled: bool = True,
) -> list[Any]:
    """DescribeImages as the caller (this backend's account) sees it. Called inside moto with the defaults
    (every available image, deprecated and disabled ones too); the API passes the request's flags."""
    me = self.account_id  # type: ignore[attr-defined]
    membership = membership_of(me)
    images: list[Any] = list(self.amis.values())
    images += [SharedAmi(ami, self) for ami in _foreign_amis(self) if launchable_by(ami, me, membership)]

    if ami_ids:
        malformed = [i for i in ami_ids if not i.startswith("ami-")]
        if malformed:
            raise MalformedAMIIdError(malformed)
        known = {image.id for image in images}
        missing = [i for i in ami_ids if i not in known and i not in self.deleted_amis]
        if missing:
            raise InvalidAMIIdError(missing)
        images = [image for image in images if image.id in ami_ids]
    elif not include_deprecated:
        images = [image for image in images if image.owner_id == me or not is_deprecated(image)]
    if exec_users:
        images = [image for image in images if _executable_by(image, exec_users, me, membership)]
    if owners:
        wanted = {me if owner == "self" else owner for owner in owners}
        images = [image for image in images if image.owner_id in wanted or (image.owner_alias or "") in wanted]
    if not include_disabled:
        images = [image for image in images if image.state != "disabled"]
    return generic_filter(filters, images) if filters else images


def _executable_by(image: Any, exec_users: list[str], me: str, membership: Membership | None) -> bool:
    permissions = image.ami.launch_permissions if isinstance(image, SharedAmi) else image.launch_permissions
    for user in exec_users:
        if user == "all" and {"Group": "all"} in permissions:
            return True
        if user in ("self", me) and any(_grants(p, me, membership, explicit_only=False) and "Group" not in p for p in permissions):
            return True
        if user not in ("all", "self", me) and any(_grants(p, user, None, explicit_only=True) for p in permissions):
            return True
    return False


def _describe_images_response(self: AmisResponse):
    from moto.core.responses import ActionResult

    self.error_on_dryrun()
    images = self.ec2_backend.describe_images(
        ami_ids=self._get_param("ImageIds", []),
        filters=self._filters_from_querystring(),
        exec_users=self._get_param("ExecutableUsers", []),
        owners=self._get_param("Owners", []),
        include_deprecated=_flag(self._get_param("IncludeDeprecated", False)),
        include_disabled=_flag(self._get_param("IncludeDisabled", False)),
    )
    return ActionResult({"Images": images})


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


_modify_image_attribute = AmiBackend.modify_image_attribute


def _modify_image_attribute_as_owner(self: AmiBackend, ami_id: str, launch_permissions_to_add, launch_permissions_to_remove) -> None:
    image = self.describe_images(ami_ids=[ami_id])[0]
    if isinstance(image, SharedAmi):
        raise NotOwnerError(ami_id)
    return _modify_image_attribute(self, ami_id, launch_permissions_to_add, launch_permissions_to_remove)


def apply() -> None:
    AmiBackend.describe_images = describe_images
    AmisResponse.describe_images = _describe_images_response
    AmiBackend.modify_image_attribute = _modify_image_attribute_as_owner
