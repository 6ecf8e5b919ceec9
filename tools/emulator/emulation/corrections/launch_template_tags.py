"""Launch template tags stay out of the template's data.

moto copies the tags of CreateLaunchTemplate's own TagSpecification (resource type
"launch-template": the tags of the template itself) into the template's LaunchTemplateData. EC2
does not, and "launch-template" is not even a valid resource type inside launch template data
(EC2 API reference, LaunchTemplateTagSpecificationRequest: "ResourceType ... instance | volume |
network-interface | spot-instances-request"). The AWS provider would read back a
tag_specifications block it never wrote, and every plan after an apply would show a change.
"""

from moto.ec2.models.launch_templates import LaunchTemplateBackend

_create_launch_template = LaunchTemplateBackend.create_launch_template


def _create_launch_template_as_ec2_does(self, name, description, template_data, tag_spec):
    specs = template_data.get("TagSpecifications") or []
    template_data["TagSpecifications"] = [s for s in specs if s.get("ResourceType") != "launch-template"]
    return _create_launch_template(self, name, description, template_data, tag_spec)


def apply() -> None:
    LaunchTemplateBackend.create_launch_template = _create_launch_template_as_ec2_does
