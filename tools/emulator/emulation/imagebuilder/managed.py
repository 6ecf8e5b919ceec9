"""What AWS manages in every Region: Image Builder's own images and components, owned by "aws" and
found by ARN with version wildcards ("…:aws:image/amazon-linux-2023-x86/x.x.x" resolves to the newest
version: EC2 Image Builder user guide, "Semantic versioning"; "Image Builder managed images and
components"). A small catalogue of the common ones, enough for recipes to name them; their builds are
not real OS images."""

from __future__ import annotations

from dataclasses import dataclass

from .versions import make_arn, newest


@dataclass(frozen=True)
class ManagedImage:
    name: str
    platform: str
    os_version: str
    root_device_name: str
    versions: tuple[str, ...]


@dataclass(frozen=True)
class ManagedComponent:
    name: str
    platform: str
    type: str
    description: str
    versions: tuple[str, ...]


IMAGES = {
    image.name: image
    for image in [
        ManagedImage("amazon-linux-2023-x86", "Linux", "Amazon Linux 2023", "/dev/xvda", ("2026.10.1", "2026.11.4", "2026.11.20")),
        ManagedImage("amazon-linux-2023-arm64", "Linux", "Amazon Linux 2023", "/dev/xvda", ("2026.11.4", "2026.11.20")),
        ManagedImage("amazon-linux-2-x86", "Linux", "Amazon Linux 2", "/dev/xvda", ("2025.6.1", "2026.5.20")),
        ManagedImage("ubuntu-server-24-lts-x86", "Linux", "Ubuntu 24", "/dev/sda1", ("2026.11.8",)),
        ManagedImage("windows-server-2022-english-full-base-x86", "Windows", "Microsoft Windows Server 2022", "/dev/sda1", ("2026.11.12",)),
    ]
}

COMPONENTS = {
    component.name: component
    for component in [
        ManagedComponent("update-linux", "Linux", "BUILD", "Updates Linux with the latest security updates.", ("1.0.1", "1.0.2")),
        ManagedComponent("aws-cli-version-2-linux", "Linux", "BUILD", "Installs the latest version of the AWS CLI version 2.", ("1.0.4",)),
        ManagedComponent("amazon-cloudwatch-agent-linux", "Linux", "BUILD", "Installs the latest version of the Amazon CloudWatch agent.", ("1.0.1",)),
        ManagedComponent("simple-boot-test-linux", "Linux", "TEST", "Executes a simple boot test.", ("1.0.0",)),
        ManagedComponent("reboot-test-linux", "Linux", "TEST", "Tests whether the system can reboot safely.", ("1.0.0",)),
    ]
}


def managed_image(name: str, pattern: str | None) -> tuple[ManagedImage, str] | None:
    image = IMAGES.get(name)
    version = newest(pattern or "x.x.x", list(image.versions)) if image else None
    return (image, version) if image and version else None


def managed_component(name: str, pattern: str | None) -> tuple[ManagedComponent, str] | None:
    component = COMPONENTS.get(name)
    version = newest(pattern or "x.x.x", list(component.versions)) if component else None
    return (component, version) if component and version else None


def managed_component_arn(region: str, component: ManagedComponent, version: str) -> str:
    return make_arn(region, "aws", "component", component.name, version, 1)
