"""EC2 Image Builder's state: components, recipes, infrastructure and distribution configurations,
pipelines, images (builds) and lifecycle policies of one account and Region, following the EC2
Image Builder API reference (each resource's Create/Get/Update/Delete/List, their fields and errors).

Resources keep their fields as the API names them: what a Create or Update call sends is what Get
returns, with what Image Builder adds itself (ARN, owner, dates, defaults it fills). Builds are in
builds.py.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from moto.core.base_backend import BackendDict, BaseBackend

from . import documents, managed
from .exceptions import (
    IdempotentParameterMismatchException,
    InvalidParameterValueException,
    ResourceAlreadyExistsException,
    ResourceDependencyException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from .versions import ParsedArn, WILDCARD_VERSION, make_arn, matches, newest, parse_arn, require_name, require_semantic_version, version_key

AMI_NAME = re.compile(r"^[-_A-Za-z0-9{][-_A-Za-z0-9\s:{}\.]+[-_A-Za-z0-9}]$")
BUILD_DATE = re.compile(r"\{\{\s*imagebuilder:buildDate\s*\}\}")
ORGANIZATION_ARN = re.compile(r"^arn:aws[^:]*:organizations::[0-9]{12}:organization/o-[a-z0-9]{10,32}$")
OU_ARN = re.compile(r"^arn:aws[^:]*:organizations::[0-9]{12}:ou/o-[a-z0-9]{10,32}/ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$")
ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
SCHEDULE = re.compile(r"^(cron|rate)\(.+\)$")
PLATFORMS = {"Linux", "Windows", "macOS"}
VOLUME_TYPES = {"standard", "io1", "io2", "gp2", "gp3", "sc1", "st1"}
START_CONDITIONS = {"EXPRESSION_MATCH_ONLY", "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"}


def now_text() -> str:
    """Image Builder's dates (DateTime): ISO 8601 UTC with milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Resource:
    """One Image Builder resource: its API fields, and who refers to what."""

    def __init__(self, kind: str, fields: dict[str, Any]) -> None:
        self.kind = kind
        self.fields = fields

    @property
    def arn(self) -> str:
        return self.fields["arn"]

    def describe(self, tags: dict[str, str]) -> dict[str, Any]:
        described = copy.deepcopy(self.fields)
        described["tags"] = dict(tags)
        return {k: v for k, v in described.items() if v is not None}


class ImageBuilderBackend(BaseBackend):
    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.components: dict[str, Resource] = {}
        self.recipes: dict[str, Resource] = {}
        self.infrastructure: dict[str, Resource] = {}
        self.distributions: dict[str, Resource] = {}
        self.pipelines: dict[str, Resource] = {}
        self.lifecycle_policies: dict[str, Resource] = {}
        self.images: dict[str, Any] = {}  # build ARN -> builds.Build
        self.tags: dict[str, dict[str, str]] = {}
        self.tokens: dict[str, tuple[str, Any]] = {}
        self.build_numbers: dict[str, int] = {}

    # -- shared ------------------------------------------------------------------------------

    @staticmethod
    def _fingerprint(operation: str, params: dict[str, Any]) -> str:
        return hashlib.sha256(json.dumps([operation, {k: v for k, v in params.items() if k != "clientToken"}], sort_keys=True, default=str).encode()).hexdigest()

    def replay(self, operation: str, params: dict[str, Any]) -> Any:
        """The first answer to a clientToken seen before with the same parameters (a retry); a token
        seen with other parameters is IdempotentParameterMismatchException; None for a new token."""
        token = params.get("clientToken")
        if not token or token not in self.tokens:
            return None
        known, answer = self.tokens[token]
        if known != self._fingerprint(operation, params):
            raise IdempotentParameterMismatchException(token)
        return answer

    def idempotent(self, token: str | None, operation: str, params: dict[str, Any], create: Callable[[], Any]) -> Any:
        """clientToken idempotency (API reference, each Create operation: "clientToken: Unique,
        case-sensitive identifier you provide to ensure idempotency of the request")."""
        known = self.replay(operation, params)
        if known is not None:
            return known
        answer = create()
        if token:
            self.tokens[token] = (self._fingerprint(operation, params), answer)
        return answer

    def arn(self, kind: str, name: str, version: str | None = None, build: int | None = None) -> str:
        return make_arn(self.region_name, self.account_id, kind, name, version, build)

    def _store(self, store: dict[str, Resource], resource: Resource, tags: dict[str, str] | None) -> Resource:
        store[resource.arn] = resource
        self.tags[resource.arn] = dict(tags or {})
        return resource

    def _find(self, store: dict[str, Resource], arn: str) -> Resource:
        if arn not in store:
            raise ResourceNotFoundException(arn)
        return store[arn]

    def _refuse_if_used(self, arn: str, users: Iterable[Resource], fields: Iterable[str]) -> None:
        for user in users:
            for field in fields:
                value = user.fields.get(field)
                values = value if isinstance(value, list) else [value]
                if any(self._refers_to(v, arn) for v in values):
                    raise ResourceDependencyException(arn)

    @staticmethod
    def _refers_to(reference: Any, arn: str) -> bool:
        if isinstance(reference, dict):
            reference = reference.get("componentArn")
        if not isinstance(reference, str):
            return False
        if reference == arn:
            return True
        # A version ARN (possibly with wildcards) refers to the build ARNs it matches.
        ref, target = reference.split("/"), arn.split("/")
        return len(ref) == 3 and len(target) >= 3 and ref[:2] == target[:2] and matches(ref[2], target[2])

    @staticmethod
    def filtered(items: list[dict[str, Any]], filters: list[dict[str, Any]] | None, names: dict[str, str]) -> list[dict[str, Any]]:
        """ListX filters: each filter a name the operation accepts and values any of which may match."""
        for item_filter in filters or []:
            field = names.get(item_filter.get("name", ""))
            if field is None:
                raise InvalidParameterValueException("filters", f"The filter name '{item_filter.get('name')}' is not supported; supported: {', '.join(sorted(names))}.")
            values = item_filter.get("values") or []
            items = [item for item in items if str(item.get(field)) in values]
        return items

    # -- tags ----------------------------------------------------------------------------------

    def _tagged(self, arn: str) -> dict[str, str]:
        if arn not in self.tags:
            raise ResourceNotFoundException(arn)
        return self.tags[arn]

    def tag_resource(self, arn: str, tags: dict[str, str]) -> None:
        self._tagged(arn).update(tags)

    def untag_resource(self, arn: str, keys: list[str]) -> None:
        tagged = self._tagged(arn)
        for key in keys:
            tagged.pop(key, None)

    def list_tags_for_resource(self, arn: str) -> dict[str, str]:
        return dict(self._tagged(arn))

    # -- components ------------------------------------------------------------------------------

    def create_component(self, params: dict[str, Any]) -> str:
        known = self.replay("CreateComponent", params)
        if known is not None:
            return known
        name = require_name(params.get("name"))
        version = require_semantic_version(params.get("semanticVersion"), "semanticVersion")
        if params.get("platform") not in PLATFORMS:
            raise InvalidParameterValueException("platform", f"Expected one of {', '.join(sorted(PLATFORMS))}, got '{params.get('platform')}'.")
        if bool(params.get("data")) == bool(params.get("uri")):
            raise InvalidParameterValueException("data", "Specify exactly one of data and uri.")
        if params.get("uri"):
            raise InvalidParameterValueException("uri", "The emulator reads component documents given inline (data) only.")
        document = documents.parse(params["data"])
        if params.get("kmsKeyId"):
            self._require_key(params["kmsKeyId"], "kmsKeyId", self.region_name)
        version_arn = self.arn("component", name, version)
        if any(arn.startswith(version_arn + "/") for arn in self.components):
            raise ResourceAlreadyExistsException("Component", version_arn)

        def create() -> str:
            arn = f"{version_arn}/1"
            fields = {
                "arn": arn,
                "name": name,
                "version": version,
                "description": params.get("description"),
                "changeDescription": params.get("changeDescription"),
                "type": documents.component_type(document),
                "platform": params["platform"],
                "supportedOsVersions": params.get("supportedOsVersions"),
                "state": {"status": "ACTIVE"},
                "owner": self.account_id,
                "data": params["data"],
                "kmsKeyId": params.get("kmsKeyId"),
                "encrypted": True,
                "dateCreated": now_text(),
            }
            self._store(self.components, Resource("Component", fields), params.get("tags"))
            return arn

        return self.idempotent(params.get("clientToken"), "CreateComponent", params, create)

    def component(self, reference: str, field: str = "componentBuildVersionArn") -> dict[str, Any]:
        """A component by build ARN or version ARN (wildcards resolve to the newest), the account's or AWS's."""
        parsed = parse_arn(reference, field, "component")
        if parsed.owner == "aws":
            found = managed.managed_component(parsed.name, parsed.version)
            if not found:
                raise ResourceNotFoundException(reference)
            component, version = found
            return {
                "arn": managed.managed_component_arn(parsed.region, component, version),
                "name": component.name,
                "version": version,
                "description": component.description,
                "type": component.type,
                "platform": component.platform,
                "state": {"status": "ACTIVE"},
                "owner": "Amazon",
                "encrypted": True,
                "dateCreated": "2025-01-01T00:00:00.000Z",
                "tags": {},
            }
        resource = self._resolve(self.components, parsed, reference)
        return resource.describe(self.tags[resource.arn])

    def _resolve(self, store: dict[str, Resource], parsed: ParsedArn, reference: str) -> Resource:
        if parsed.build is not None or (parsed.version and "x" not in parsed.version and reference in store):
            return self._find(store, reference)
        prefix = make_arn(parsed.region, parsed.owner, parsed.type, parsed.name)
        versions = {r.fields["version"]: r for arn, r in store.items() if arn.startswith(prefix + "/")}
        version = newest(parsed.version or "x.x.x", list(versions))
        if version is None:
            raise ResourceNotFoundException(reference)
        return versions[version]

    def delete_component(self, arn: str) -> str:
        parse_arn(arn, "componentBuildVersionArn", "component")
        self._find(self.components, arn)
        self._refuse_if_used(arn, self.recipes.values(), ["components"])
        del self.components[arn]
        del self.tags[arn]
        return arn

    def list_components(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        owner = params.get("owner") or "Self"
        if owner == "Amazon":
            items = [
                {
                    "arn": make_arn(self.region_name, "aws", "component", c.name, v),
                    "name": c.name,
                    "version": v,
                    "description": c.description,
                    "platform": c.platform,
                    "type": c.type,
                    "owner": "Amazon",
                    "dateCreated": "2025-01-01T00:00:00.000Z",
                }
                for c in managed.COMPONENTS.values()
                for v in c.versions
            ]
        elif owner == "Self":
            items = [
                {k: r.fields.get(k) for k in ("name", "version", "description", "platform", "supportedOsVersions", "type", "owner", "dateCreated")}
                | {"arn": r.arn.rsplit("/", 1)[0], "status": "ACTIVE"}
                for r in self.components.values()
            ]
        else:
            items = []
        items = self.filtered(items, params.get("filters"), {"name": "name", "platform": "platform", "type": "type", "version": "version", "supportedOsVersion": "supportedOsVersions"})
        if params.get("byName"):
            latest: dict[str, dict[str, Any]] = {}
            for item in items:
                if item["name"] not in latest or version_key(item["version"]) > version_key(latest[item["name"]]["version"]):
                    latest[item["name"]] = item
            items = list(latest.values())
        return [{k: v for k, v in item.items() if v is not None} for item in sorted(items, key=lambda i: i["arn"])]

    def list_component_build_versions(self, version_arn: str) -> list[dict[str, Any]]:
        parse_arn(version_arn, "componentVersionArn", "component")
        return [
            {k: v for k, v in r.describe(self.tags[r.arn]).items() if k not in ("data", "kmsKeyId", "encrypted")}
            for arn, r in self.components.items()
            if arn.startswith(version_arn + "/")
        ]

    # -- image recipes -----------------------------------------------------------------------------

    def create_image_recipe(self, params: dict[str, Any]) -> str:
        known = self.replay("CreateImageRecipe", params)
        if known is not None:
            return known
        name = require_name(params.get("name"))
        version = require_semantic_version(params.get("semanticVersion"), "semanticVersion")
        components = params.get("components") or []
        if not components:
            raise InvalidParameterValueException("components", "An image recipe needs at least one component.")
        for i, configuration in enumerate(components):
            self.component(configuration.get("componentArn", ""), f"components[{i}].componentArn")
        parent = self.parent_image(params.get("parentImage"), "parentImage")
        for i, mapping in enumerate(params.get("blockDeviceMappings") or []):
            self._check_block_device(mapping, f"blockDeviceMappings[{i}]")
        arn = self.arn("image-recipe", name, version)
        if arn in self.recipes:
            raise ResourceAlreadyExistsException("ImageRecipe", arn)

        def create() -> str:
            fields = {
                "arn": arn,
                "type": "AMI",
                "name": name,
                "description": params.get("description"),
                "platform": parent["platform"],
                "owner": self.account_id,
                "version": version,
                "components": components,
                "parentImage": params["parentImage"],
                "blockDeviceMappings": params.get("blockDeviceMappings"),
                "dateCreated": now_text(),
                "workingDirectory": params.get("workingDirectory"),
                "additionalInstanceConfiguration": params.get("additionalInstanceConfiguration"),
                "amiTags": params.get("amiTags"),
            }
            self._store(self.recipes, Resource("ImageRecipe", fields), params.get("tags"))
            return arn

        return self.idempotent(params.get("clientToken"), "CreateImageRecipe", params, create)

    def _check_block_device(self, mapping: dict[str, Any], field: str) -> None:
        if not mapping.get("deviceName"):
            raise InvalidParameterValueException(f"{field}.deviceName", "A block device mapping needs a device name.")
        ebs = mapping.get("ebs") or {}
        if ebs.get("volumeType") and ebs["volumeType"] not in VOLUME_TYPES:
            raise InvalidParameterValueException(f"{field}.ebs.volumeType", f"Expected one of {', '.join(sorted(VOLUME_TYPES))}, got '{ebs['volumeType']}'.")
        if ebs.get("kmsKeyId"):
            if ebs.get("encrypted") is not True:
                raise InvalidParameterValueException(f"{field}.ebs.encrypted", "A KMS key needs encrypted true.")
            self._require_key(ebs["kmsKeyId"], f"{field}.ebs.kmsKeyId", self.region_name)

    def parent_image(self, reference: str | None, field: str) -> dict[str, Any]:
        """What a recipe's parent names: an Image Builder image (AWS-managed or the account's, version
        wildcards resolved) or an AMI the account can launch. Its platform and root device."""
        if not reference:
            raise InvalidParameterValueException(field, "A recipe needs a parent image.")
        if reference.startswith("ami-"):
            from moto.ec2.models import ec2_backends

            try:
                ami = ec2_backends[self.account_id][self.region_name].describe_images(ami_ids=[reference])[0]
            except Exception:  # noqa: BLE001 - InvalidAMIID.NotFound / Malformed
                raise InvalidParameterValueException(field, f"The AMI '{reference}' does not exist or is not shared with this account.")
            return {"platform": "Windows" if ami.platform == "windows" else "Linux", "root_device_name": ami.root_device_name, "ami": ami}
        if reference.startswith("arn:"):
            parsed = parse_arn(reference, field, "image")
            if parsed.owner == "aws":
                found = managed.managed_image(parsed.name, parsed.version)
                if not found:
                    raise InvalidParameterValueException(field, f"No AWS-managed image matches '{reference}'.")
                image, version = found
                return {"platform": image.platform, "root_device_name": image.root_device_name, "managed": image, "version": version}
            image = self.latest_image(parsed, reference)
            return {"platform": image.fields["platform"], "root_device_name": image.root_device_name, "image": image}
        # A managed image by name ("amazon-linux-2023-x86/x.x.x"), as the console and some tools write it.
        name, _, version = reference.partition("/")
        found = managed.managed_image(name, version or None)
        if not found:
            raise InvalidParameterValueException(field, f"Expected an AMI id, an Image Builder image ARN or a managed image name, got '{reference}'.")
        image, resolved = found
        return {"platform": image.platform, "root_device_name": image.root_device_name, "managed": image, "version": resolved}

    def image_recipe(self, arn: str) -> dict[str, Any]:
        parse_arn(arn, "imageRecipeArn", "image-recipe")
        resource = self._find(self.recipes, arn)
        return resource.describe(self.tags[arn])

    def delete_image_recipe(self, arn: str) -> str:
        parse_arn(arn, "imageRecipeArn", "image-recipe")
        self._find(self.recipes, arn)
        self._refuse_if_used(arn, self.pipelines.values(), ["imageRecipeArn"])
        del self.recipes[arn]
        del self.tags[arn]
        return arn

    def list_image_recipes(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        owner = params.get("owner") or "Self"
        items = (
            [
                {k: r.fields.get(k) for k in ("arn", "name", "platform", "owner", "parentImage", "dateCreated")} | {"tags": dict(self.tags[r.arn])}
                for r in self.recipes.values()
            ]
            if owner == "Self"
            else []
        )
        return self.filtered(items, params.get("filters"), {"name": "name", "parentImage": "parentImage", "platform": "platform"})

    # -- infrastructure configurations ---------------------------------------------------------------

    def _infrastructure_fields(self, params: dict[str, Any]) -> dict[str, Any]:
        profile = params.get("instanceProfileName")
        from moto.iam.models import iam_backends

        iam = iam_backends[self.account_id]["aws"]
        if not profile or not any(p.name == profile for p in iam.instance_profiles.values()):
            raise InvalidParameterValueException("instanceProfileName", f"The instance profile '{profile}' does not exist in this account.")
        options = params.get("instanceMetadataOptions") or {}
        if options.get("httpTokens") not in (None, "required", "optional"):
            raise InvalidParameterValueException("instanceMetadataOptions.httpTokens", f"Expected required or optional, got '{options['httpTokens']}'.")
        hop = options.get("httpPutResponseHopLimit")
        if hop is not None and not 1 <= int(hop) <= 64:
            raise InvalidParameterValueException("instanceMetadataOptions.httpPutResponseHopLimit", f"Expected 1 to 64, got {hop}.")
        keys = (
            "description",
            "instanceTypes",
            "instanceProfileName",
            "securityGroupIds",
            "subnetId",
            "logging",
            "keyPair",
            "terminateInstanceOnFailure",
            "snsTopicArn",
            "resourceTags",
            "instanceMetadataOptions",
            "placement",
        )
        return {key: params.get(key) for key in keys}

    def create_infrastructure_configuration(self, params: dict[str, Any]) -> str:
        known = self.replay("CreateInfrastructureConfiguration", params)
        if known is not None:
            return known
        name = require_name(params.get("name"))
        fields = self._infrastructure_fields(params)
        arn = self.arn("infrastructure-configuration", name)
        if arn in self.infrastructure:
            raise ResourceAlreadyExistsException("InfrastructureConfiguration", arn)

        def create() -> str:
            resource = Resource("InfrastructureConfiguration", {"arn": arn, "name": name, **fields, "dateCreated": now_text()})
            self._store(self.infrastructure, resource, params.get("tags"))
            return arn

        return self.idempotent(params.get("clientToken"), "CreateInfrastructureConfiguration", params, create)

    def update_infrastructure_configuration(self, params: dict[str, Any]) -> str:
        arn = params.get("infrastructureConfigurationArn", "")
        resource = self._find(self.infrastructure, arn)
        resource.fields.update(self._infrastructure_fields(params), dateUpdated=now_text())
        return arn

    def infrastructure_configuration(self, arn: str) -> dict[str, Any]:
        return self._find(self.infrastructure, arn).describe(self.tags[arn])

    def delete_infrastructure_configuration(self, arn: str) -> str:
        self._find(self.infrastructure, arn)
        self._refuse_if_used(arn, self.pipelines.values(), ["infrastructureConfigurationArn"])
        del self.infrastructure[arn]
        del self.tags[arn]
        return arn

    def list_infrastructure_configurations(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        keys = ("arn", "name", "description", "dateCreated", "dateUpdated", "resourceTags", "instanceTypes", "instanceProfileName", "placement")
        items = [{k: r.fields.get(k) for k in keys} | {"tags": dict(self.tags[r.arn])} for r in self.infrastructure.values()]
        return [{k: v for k, v in i.items() if v is not None} for i in self.filtered(items, params.get("filters"), {"name": "name"})]

    # -- distribution configurations ----------------------------------------------------------------

    def _distributions(self, distributions: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        if not distributions:
            raise InvalidParameterValueException("distributions", "A distribution configuration needs at least one Region.")
        regions = [d.get("region") for d in distributions]
        if len(set(regions)) != len(regions):
            raise InvalidParameterValueException("distributions", f"Each Region may appear once, got {', '.join(map(str, regions))}.")
        for i, distribution in enumerate(distributions):
            field = f"distributions[{i}].amiDistributionConfiguration"
            ami = distribution.get("amiDistributionConfiguration") or {}
            name = ami.get("name")
            if name is not None:
                if not AMI_NAME.match(name) or len(name) > 127:
                    raise InvalidParameterValueException(f"{field}.name", f"The EC2 AMI name '{name}' does not match the allowed pattern.")
                if not BUILD_DATE.search(name):
                    raise InvalidParameterValueException(f"{field}.name", "The EC2 AMI name must contain '{{ imagebuilder:buildDate }}' to ensure that the name will be unique.")
            permission = ami.get("launchPermission") or {}
            for account in permission.get("userIds") or []:
                if not ACCOUNT_ID.match(account):
                    raise InvalidParameterValueException(f"{field}.launchPermission.userIds", f"Expected a 12-digit account id, got '{account}'.")
            for arn in permission.get("organizationArns") or []:
                if not ORGANIZATION_ARN.match(arn):
                    raise InvalidParameterValueException(f"{field}.launchPermission.organizationArns", f"Expected an organization ARN, got '{arn}'.")
            for arn in permission.get("organizationalUnitArns") or []:
                if not OU_ARN.match(arn):
                    raise InvalidParameterValueException(f"{field}.launchPermission.organizationalUnitArns", f"Expected an OU ARN, got '{arn}'.")
            for group in permission.get("userGroups") or []:
                if group != "all":
                    raise InvalidParameterValueException(f"{field}.launchPermission.userGroups", f"The only group is all, got '{group}'.")
        return distributions

    def create_distribution_configuration(self, params: dict[str, Any]) -> str:
        known = self.replay("CreateDistributionConfiguration", params)
        if known is not None:
            return known
        name = require_name(params.get("name"))
        distributions = self._distributions(params.get("distributions"))
        arn = self.arn("distribution-configuration", name)
        if arn in self.distributions:
            raise ResourceAlreadyExistsException("DistributionConfiguration", arn)

        def create() -> str:
            fields = {"arn": arn, "name": name, "description": params.get("description"), "distributions": distributions, "timeoutMinutes": 720, "dateCreated": now_text()}
            self._store(self.distributions, Resource("DistributionConfiguration", fields), params.get("tags"))
            return arn

        return self.idempotent(params.get("clientToken"), "CreateDistributionConfiguration", params, create)

    def update_distribution_configuration(self, params: dict[str, Any]) -> str:
        arn = params.get("distributionConfigurationArn", "")
        resource = self._find(self.distributions, arn)
        resource.fields.update(description=params.get("description"), distributions=self._distributions(params.get("distributions")), dateUpdated=now_text())
        return arn

    def distribution_configuration(self, arn: str) -> dict[str, Any]:
        return self._find(self.distributions, arn).describe(self.tags[arn])

    def delete_distribution_configuration(self, arn: str) -> str:
        self._find(self.distributions, arn)
        self._refuse_if_used(arn, self.pipelines.values(), ["distributionConfigurationArn"])
        del self.distributions[arn]
        del self.tags[arn]
        return arn

    def list_distribution_configurations(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        items = [
            {
                "arn": r.arn,
                "name": r.fields["name"],
                "description": r.fields.get("description"),
                "dateCreated": r.fields["dateCreated"],
                "dateUpdated": r.fields.get("dateUpdated"),
                "tags": dict(self.tags[r.arn]),
                "regions": [d["region"] for d in r.fields["distributions"]],
            }
            for r in self.distributions.values()
        ]
        return [{k: v for k, v in i.items() if v is not None} for i in self.filtered(items, params.get("filters"), {"name": "name"})]

    # -- image pipelines ----------------------------------------------------------------------------

    def _pipeline_fields(self, params: dict[str, Any]) -> dict[str, Any]:
        recipe_arn = params.get("imageRecipeArn")
        if not recipe_arn:
            raise InvalidParameterValueException("imageRecipeArn", "An AMI pipeline needs an image recipe (container recipes are not emulated).")
        recipe = self._find(self.recipes, recipe_arn)
        self._find(self.infrastructure, params.get("infrastructureConfigurationArn", ""))
        if params.get("distributionConfigurationArn"):
            self._find(self.distributions, params["distributionConfigurationArn"])
        tests = params.get("imageTestsConfiguration") or {}
        timeout = tests.get("timeoutMinutes")
        if timeout is not None and not 60 <= int(timeout) <= 1440:
            raise InvalidParameterValueException("imageTestsConfiguration.timeoutMinutes", f"Expected 60 to 1440 minutes, got {timeout}.")
        schedule = copy.deepcopy(params.get("schedule"))
        if schedule:
            if not SCHEDULE.match(schedule.get("scheduleExpression") or ""):
                raise InvalidParameterValueException("schedule.scheduleExpression", f"Expected cron(...) or rate(...), got '{schedule.get('scheduleExpression')}'.")
            condition = schedule.setdefault("pipelineExecutionStartCondition", "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE")
            if condition not in START_CONDITIONS:
                raise InvalidParameterValueException("schedule.pipelineExecutionStartCondition", f"Expected one of {', '.join(sorted(START_CONDITIONS))}, got '{condition}'.")
        status = params.get("status") or "ENABLED"
        if status not in ("ENABLED", "DISABLED"):
            raise InvalidParameterValueException("status", f"Expected ENABLED or DISABLED, got '{status}'.")
        return {
            "description": params.get("description"),
            "platform": recipe.fields["platform"],
            "enhancedImageMetadataEnabled": params.get("enhancedImageMetadataEnabled", True),
            "imageRecipeArn": recipe_arn,
            "infrastructureConfigurationArn": params["infrastructureConfigurationArn"],
            "distributionConfigurationArn": params.get("distributionConfigurationArn"),
            "imageTestsConfiguration": {"imageTestsEnabled": tests.get("imageTestsEnabled", True), "timeoutMinutes": int(timeout or 720)},
            "schedule": schedule,
            "status": status,
            "imageScanningConfiguration": params.get("imageScanningConfiguration"),
            "imageTags": params.get("imageTags"),
            "executionRole": params.get("executionRole"),
            "workflows": params.get("workflows"),
        }

    def create_image_pipeline(self, params: dict[str, Any]) -> str:
        known = self.replay("CreateImagePipeline", params)
        if known is not None:
            return known
        name = require_name(params.get("name"))
        fields = self._pipeline_fields(params)
        arn = self.arn("image-pipeline", name)
        if arn in self.pipelines:
            raise ResourceAlreadyExistsException("ImagePipeline", arn)

        def create() -> str:
            self._store(self.pipelines, Resource("ImagePipeline", {"arn": arn, "name": name, **fields, "dateCreated": now_text()}), params.get("tags"))
            return arn

        return self.idempotent(params.get("clientToken"), "CreateImagePipeline", params, create)

    def update_image_pipeline(self, params: dict[str, Any]) -> str:
        arn = params.get("imagePipelineArn", "")
        resource = self._find(self.pipelines, arn)
        resource.fields.update(self._pipeline_fields(params), dateUpdated=now_text())
        return arn

    def image_pipeline(self, arn: str) -> dict[str, Any]:
        resource = self._find(self.pipelines, arn)
        described = resource.describe(self.tags[arn])
        runs = [build for build in self.images.values() if build.pipeline_arn == arn]
        if runs:
            last = max(runs, key=lambda b: b.started)
            described["dateLastRun"] = last.fields["dateCreated"]
            described["lastRunStatus"] = last.status()
        return described

    def delete_image_pipeline(self, arn: str) -> str:
        self._find(self.pipelines, arn)
        del self.pipelines[arn]
        del self.tags[arn]
        return arn

    def list_image_pipelines(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        items = [self.image_pipeline(arn) for arn in self.pipelines]
        return self.filtered(items, params.get("filters"), {"name": "name", "platform": "platform", "status": "status", "description": "description"})

    # -- lifecycle policies -------------------------------------------------------------------------

    def _lifecycle_fields(self, params: dict[str, Any]) -> dict[str, Any]:
        role = params.get("executionRole") or ""
        from moto.iam.models import iam_backends

        iam = iam_backends[self.account_id]["aws"]
        role_name = role.rsplit("/", 1)[-1]
        if not role_name or not any(r.name == role_name for r in iam.roles.values()):
            raise InvalidParameterValueException("executionRole", f"The role '{role}' does not exist in this account.")
        if params.get("resourceType") not in ("AMI_IMAGE", "CONTAINER_IMAGE"):
            raise InvalidParameterValueException("resourceType", f"Expected AMI_IMAGE or CONTAINER_IMAGE, got '{params.get('resourceType')}'.")
        details = params.get("policyDetails") or []
        if not 1 <= len(details) <= 3:
            raise InvalidParameterValueException("policyDetails", f"Expected 1 to 3 policy details, got {len(details)}.")
        for i, detail in enumerate(details):
            action = (detail.get("action") or {}).get("type")
            if action not in ("DELETE", "DEPRECATE", "DISABLE"):
                raise InvalidParameterValueException(f"policyDetails[{i}].action.type", f"Expected DELETE, DEPRECATE or DISABLE, got '{action}'.")
            rule = detail.get("filter") or {}
            if rule.get("type") not in ("AGE", "COUNT"):
                raise InvalidParameterValueException(f"policyDetails[{i}].filter.type", f"Expected AGE or COUNT, got '{rule.get('type')}'.")
            if rule.get("type") == "AGE" and not rule.get("unit"):
                raise InvalidParameterValueException(f"policyDetails[{i}].filter.unit", "An AGE filter needs a unit.")
        selection = params.get("resourceSelection") or {}
        recipes = selection.get("recipes") or []
        if not recipes and not selection.get("tagMap"):
            raise InvalidParameterValueException("resourceSelection", "Select resources by recipes or by tagMap.")
        if len(recipes) > 50:
            raise InvalidParameterValueException("resourceSelection.recipes", f"At most 50 recipes, got {len(recipes)}.")
        for i, recipe in enumerate(recipes):
            require_name(recipe.get("name"), f"resourceSelection.recipes[{i}].name")
            if not WILDCARD_VERSION.match(recipe.get("semanticVersion") or ""):
                raise InvalidParameterValueException(f"resourceSelection.recipes[{i}].semanticVersion", f"Expected a semantic version, got '{recipe.get('semanticVersion')}'.")
        status = params.get("status") or "ENABLED"
        return {
            "description": params.get("description"),
            "status": status,
            "executionRole": role,
            "resourceType": params["resourceType"],
            "policyDetails": details,
            "resourceSelection": selection,
        }

    def create_lifecycle_policy(self, params: dict[str, Any]) -> str:
        known = self.replay("CreateLifecyclePolicy", params)
        if known is not None:
            return known
        name = require_name(params.get("name"))
        fields = self._lifecycle_fields(params)
        arn = self.arn("lifecycle-policy", name)
        if arn in self.lifecycle_policies:
            raise ResourceAlreadyExistsException("LifecyclePolicy", arn)

        def create() -> str:
            stamp = datetime.now(timezone.utc).timestamp()
            self._store(self.lifecycle_policies, Resource("LifecyclePolicy", {"arn": arn, "name": name, **fields, "dateCreated": stamp}), params.get("tags"))
            return arn

        return self.idempotent(params.get("clientToken"), "CreateLifecyclePolicy", params, create)

    def update_lifecycle_policy(self, params: dict[str, Any]) -> str:
        arn = params.get("lifecyclePolicyArn", "")
        resource = self._find(self.lifecycle_policies, arn)
        resource.fields.update(self._lifecycle_fields(params), dateUpdated=datetime.now(timezone.utc).timestamp())
        return arn

    def lifecycle_policy(self, arn: str) -> dict[str, Any]:
        return self._find(self.lifecycle_policies, arn).describe(self.tags[arn])

    def delete_lifecycle_policy(self, arn: str) -> str:
        self._find(self.lifecycle_policies, arn)
        del self.lifecycle_policies[arn]
        del self.tags[arn]
        return arn

    def list_lifecycle_policies(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        keys = ("arn", "name", "description", "status", "executionRole", "resourceType", "dateCreated", "dateUpdated")
        items = [{k: r.fields.get(k) for k in keys} | {"tags": dict(self.tags[r.arn])} for r in self.lifecycle_policies.values()]
        items = self.filtered(items, params.get("filters"), {"name": "name", "status": "status", "resourceType": "resourceType"})
        return [{k: v for k, v in i.items() if v is not None} for i in items]

    # -- keys ----------------------------------------------------------------------------------------

    def _require_key(self, reference: str, field: str, region: str) -> None:
        if self.key_arn(reference, region) is None:
            raise InvalidParameterValueException(field, f"The KMS key '{reference}' does not exist in {region}.")

    def key_arn(self, reference: str, region: str) -> str | None:
        """The key ARN a key id, key ARN, alias or alias ARN of this account names in `region`."""
        from moto.kms.models import kms_backends

        if reference.startswith("arn:"):
            parts = reference.split(":")
            account, region = parts[4], parts[3]
        else:
            account = self.account_id
        if account not in kms_backends or region not in kms_backends[account]:
            return None
        backend = kms_backends[account][region]
        try:
            return backend.describe_key(backend.any_id_to_key_id(reference)).arn
        except Exception:  # noqa: BLE001 - moto raises KeyError or NotFound
            return None

    # -- images (builds.py runs them) ------------------------------------------------------------------

    def next_build_number(self, recipe_arn: str) -> int:
        self.build_numbers[recipe_arn] = self.build_numbers.get(recipe_arn, 0) + 1
        return self.build_numbers[recipe_arn]

    def latest_image(self, parsed: ParsedArn, reference: str) -> Any:
        """The newest AVAILABLE build an image ARN names (version wildcards resolved)."""
        candidates = [
            build
            for build in self.images.values()
            if build.recipe_name == parsed.name
            and (parsed.version is None or matches(parsed.version, build.fields["version"].split("/")[0]))
            and (parsed.build is None or build.build_number == parsed.build)
            and build.status() == "AVAILABLE"
        ]
        if not candidates:
            raise InvalidParameterValueException("parentImage", f"No available image matches '{reference}'.")
        return max(candidates, key=lambda b: (version_key(b.fields["version"].split("/")[0]), b.build_number))

    def image(self, arn: str) -> Any:
        parsed = parse_arn(arn, "imageBuildVersionArn", "image")
        if parsed.build is None:
            return self.latest_image(parsed, arn)
        if arn not in self.images:
            raise ResourceNotFoundException(arn)
        return self.images[arn]

    def assert_cancellable(self, build: Any) -> None:
        status = build.status()
        if status not in ("PENDING", "CREATING", "BUILDING", "TESTING"):
            # CancelImageCreation "can only be used on images in a non-terminal state"; its Errors list
            # ResourceInUseException ("The resource that you are trying to operate on is currently in use").
            raise ResourceInUseException(f"The image '{build.arn}' cannot be cancelled: its status is {status}, a terminal state.")


def _regions() -> list[str]:
    # botocore's endpoint data lists no Regions for imagebuilder: it runs wherever EC2 does.
    from boto3 import Session

    return Session().get_available_regions("ec2")


imagebuilder_backends = BackendDict(ImageBuilderBackend, "imagebuilder", use_boto3_regions=False, additional_regions=_regions())
