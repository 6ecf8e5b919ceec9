"""Semantic versions and ARNs of Image Builder resources (EC2 Image Builder user guide, "Semantic
versioning"; API reference, ImageBuilderArn pattern).

- A version is MAJOR.MINOR.PATCH of non-negative integers; a resource reference may put `x` in place of
  any node ("x.x.x", "1.x.x"), which resolves to the newest matching version.
- ARNs: arn:<partition>:imagebuilder:<region>:<account|aws>:<type>/<name>[/<version>[/<build>]], the
  name lower-cased with spaces as hyphens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .exceptions import InvalidParameterValueException

SEMANTIC_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
WILDCARD_VERSION = re.compile(r"^(?:[0-9]+|x)\.(?:[0-9]+|x)\.(?:[0-9]+|x)$")
RESOURCE_NAME = re.compile(r"^[-_A-Za-z-0-9][-_A-Za-z0-9 ]{1,126}[-_A-Za-z-0-9]$")
ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):imagebuilder:(?P<region>[a-z0-9-]+):(?P<owner>[0-9]{12}|aws):"
    r"(?P<type>image-recipe|container-recipe|infrastructure-configuration|distribution-configuration|component|image|image-pipeline|lifecycle-policy|workflow/(?:build|test|distribution))"
    r"/(?P<name>[a-z0-9-_]+)(?:/(?P<version>(?:x|[0-9]+)\.(?:x|[0-9]+)\.(?:x|[0-9]+))(?:/(?P<build>[0-9]+))?)?$"
)


def arn_name(name: str) -> str:
    return name.lower().replace(" ", "-")


def make_arn(region: str, owner: str, kind: str, name: str, version: str | None = None, build: int | None = None) -> str:
    arn = f"arn:aws:imagebuilder:{region}:{owner}:{kind}/{arn_name(name)}"
    if version:
        arn += f"/{version}"
        if build is not None:
            arn += f"/{build}"
    return arn


@dataclass(frozen=True)
class ParsedArn:
    region: str
    owner: str
    type: str
    name: str
    version: str | None
    build: int | None

    @property
    def version_arn(self) -> str:
        return make_arn(self.region, self.owner, self.type, self.name, self.version)


def parse_arn(arn: str, field: str, kind: str | None = None) -> ParsedArn:
    match = ARN.match(arn or "")
    if not match or (kind and match.group("type") != kind):
        raise InvalidParameterValueException(field, f"Expected an ARN of an Image Builder {kind or 'resource'}, got '{arn}'.")
    build = match.group("build")
    return ParsedArn(match.group("region"), match.group("owner"), match.group("type"), match.group("name"), match.group("version"), int(build) if build else None)


def version_key(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in version.split("."))
    return major, minor, patch


def matches(pattern: str, version: str) -> bool:
    return all(p == "x" or p == v for p, v in zip(pattern.split("."), version.split(".")))


def newest(pattern: str, versions: list[str]) -> str | None:
    candidates = [v for v in versions if matches(pattern, v)]
    return max(candidates, key=version_key) if candidates else None


def require_semantic_version(value: str | None, field: str) -> str:
    if not value or not SEMANTIC_VERSION.match(value):
        raise InvalidParameterValueException(field, f"The semantic version must be MAJOR.MINOR.PATCH of non-negative integers (for example 1.0.0), got '{value}'.")
    return value


def require_name(value: str | None, field: str = "name") -> str:
    if not value or not RESOURCE_NAME.match(value):
        raise InvalidParameterValueException(field, f"Expected 3 to 128 letters, digits, spaces, hyphens and underscores, not starting or ending with a space, got '{value}'.")
    return value
