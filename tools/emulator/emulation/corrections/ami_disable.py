"""Disabling an AMI removes its launch permissions; enabling it again does not restore them.

EC2 API reference, DisableImage: "Sets the AMI state to disabled and removes all launch
permissions from the AMI. A disabled AMI can't be used for instance launches. ... If an AMI was
shared with an AWS account, organization, or Organizational Unit, they lose access to the disabled
AMI. ... Only the AMI owner can disable an AMI." moto only flips the state, so a disabled AMI that
is enabled again would come back shared; here it comes back private, to be shared again (moto
already refuses other accounts: the AMI is not in their backend). Listing disabled AMIs only with
IncludeDisabled is in ami_visibility.py.
"""

from moto.ec2.models.amis import AmiBackend

_disable_image = AmiBackend.disable_image


def _disable_image_as_ec2_does(self: AmiBackend, ami_id: str) -> None:
    _disable_image(self, ami_id)
    self.amis[ami_id].launch_permissions = []


def apply() -> None:
    AmiBackend.disable_image = _disable_image_as_ec2_does
