"""moto server, with one correction where moto differs from EC2 in a way Terraform sees.

moto copies the tags of CreateLaunchTemplate's own TagSpecification (resource type
"launch-template": the tags of the template itself) into the template's LaunchTemplateData.
EC2 does not, and "launch-template" is not even a valid resource type inside launch template
data. The AWS provider then reads back a tag_specifications block it never wrote, and every plan
after an apply shows a change. Dropping that copy makes the emulator answer as EC2 does; nothing
else is changed. Remove this file's patch when moto fixes the behaviour.
"""

from moto.ec2.models.launch_templates import LaunchTemplateBackend
from moto.server import main

_create_launch_template = LaunchTemplateBackend.create_launch_template


def _create_launch_template_as_ec2_does(self, name, description, template_data, tag_spec):
    specs = template_data.get("TagSpecifications") or []
    template_data["TagSpecifications"] = [s for s in specs if s.get("ResourceType") != "launch-template"]
    return _create_launch_template(self, name, description, template_data, tag_spec)


LaunchTemplateBackend.create_launch_template = _create_launch_template_as_ec2_does

if __name__ == "__main__":
    main()
