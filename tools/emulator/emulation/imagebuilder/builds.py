"""A build: the image resource a pipeline execution or CreateImage makes, and the AMIs it distributes.

EC2 Image Builder API reference (Image, ImageState, OutputResources, Ami) and user guide ("How Image
Builder works", "Manage distribution settings"):

- The image is `…:image/<recipe>/<recipe version>/<build number>`; its status moves PENDING →
  BUILDING → TESTING (when tests are on) → DISTRIBUTING → AVAILABLE, or ends FAILED with a reason, or
  CANCELLED. The emulator spreads that over GOLDEN_AMI_EMULATOR_BUILD_SECONDS (default 2 s).
- The build checks what a real build would trip over before it distributes: the instance profile,
  subnet and security groups of its infrastructure configuration, the parent image, and every
  component document as AWSTOE would run it (documents.py). Components and tests are not executed.
- Distribution: in each of the configuration's Regions an AMI of the shared account, named by the
  AMI name template ({{imagebuilder:buildDate}}, {{imagebuilder:buildVersion}} and the other
  variables rendered), with the distribution's AMI tags (plus the CreatedBy and Ec2ImageBuilderArn
  tags Image Builder adds), its launch permissions, and snapshots: in the build's own Region as the
  recipe's block device mappings encrypt them (the distribution's kmsKeyId "doesn't apply for the
  original AMI that the build creates ... in the source Region": user guide, "Create and update AMI
  distribution configurations"), in every other Region re-encrypted with that Region's kmsKeyId.
- The buildDate format is not documented; the emulator writes ISO 8601 UTC with ':' as '-'
  (2026-12-07T01-24-40.138Z), as AMIs that Image Builder names show it.
"""

from __future__ import annotations

import copy
import os
import re
import threading
import time
from datetime import datetime, timezone
from typing import Any

from . import documents
from .models import ImageBuilderBackend, now_text

#: Reset bumps the generation: a timer of a build from before a reset does nothing.
GENERATION = [0]
LOCK = threading.RLock()

PHASES = [("PENDING", 0.1), ("BUILDING", 0.4), ("TESTING", 0.3), ("DISTRIBUTING", 0.2)]


def build_seconds() -> float:
    return float(os.environ.get("GOLDEN_AMI_EMULATOR_BUILD_SECONDS", "2"))


def render_name(template: str, variables: dict[str, str]) -> str:
    return re.sub(r"\{\{\s*imagebuilder:(\w+)\s*\}\}", lambda m: variables.get(m.group(1), m.group(0)), template)


class Build:
    def __init__(self, backend: ImageBuilderBackend, fields: dict[str, Any], recipe_name: str, build_number: int, pipeline_arn: str | None, tests_enabled: bool) -> None:
        self.backend = backend
        self.fields = fields
        self.recipe_name = recipe_name
        self.build_number = build_number
        self.pipeline_arn = pipeline_arn
        self.tests_enabled = tests_enabled
        self.started = time.monotonic()
        self.duration = build_seconds()
        self.generation = GENERATION[0]
        self.outcome: str | None = None  # AVAILABLE | FAILED | CANCELLED, once decided
        self.reason: str | None = None
        self.root_device_name = "/dev/xvda"
        self.timer = threading.Timer(self.duration + 0.05, self.settle)
        self.timer.daemon = True
        self.timer.start()

    @property
    def arn(self) -> str:
        return self.fields["arn"]

    # Snapshots (emulation/snapshots.py) pickle builds: the timer stays behind, and a restored build
    # belongs to the restoring emulator's generation; an unsettled one settles when next read.
    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "timer"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, generation=GENERATION[0], timer=None)

    def status(self) -> str:
        if self.outcome:
            return self.outcome
        elapsed = (time.monotonic() - self.started) / max(self.duration, 0.001)
        phases = [(name, share) for name, share in PHASES if name != "TESTING" or self.tests_enabled]
        total = sum(share for _, share in phases)
        position = 0.0
        for name, share in phases:
            position += share / total
            if elapsed < position:
                if name in ("TESTING", "DISTRIBUTING") and self.problems():
                    self.settle()
                    return self.status()
                return name
        self.settle()
        return self.outcome or "AVAILABLE"

    def cancel(self) -> None:
        with LOCK:
            if self.timer:
                self.timer.cancel()
            self.outcome, self.reason = "CANCELLED", "Image creation cancelled by the user."

    def describe(self) -> dict[str, Any]:
        status = self.status()
        described = copy.deepcopy(self.fields)
        described["state"] = {"status": status, **({"reason": self.reason} if self.reason else {})}
        described["tags"] = dict(self.backend.tags.get(self.arn, {}))
        return {k: v for k, v in described.items() if v is not None}

    def summary(self) -> dict[str, Any]:
        described = self.describe()
        keys = ("arn", "name", "type", "version", "platform", "osVersion", "state", "owner", "dateCreated", "outputResources", "tags", "buildType", "imageSource")
        return {k: described[k] for k in keys if k in described}

    # -- the checks a build meets ---------------------------------------------------------------------

    def problems(self) -> list[str]:
        if not hasattr(self, "_problems"):
            self._problems = self._find_problems()
        return self._problems

    def _find_problems(self) -> list[str]:
        from moto.ec2.models import ec2_backends
        from moto.iam.models import iam_backends

        backend = self.backend
        found: list[str] = []
        infrastructure = self.fields["infrastructureConfiguration"]
        iam = iam_backends[backend.account_id]["aws"]
        profile = infrastructure.get("instanceProfileName")
        if not any(p.name == profile for p in iam.instance_profiles.values()):
            found.append(f"the instance profile '{profile}' does not exist")
        ec2 = ec2_backends[backend.account_id][backend.region_name]
        subnet = infrastructure.get("subnetId")
        if subnet and subnet not in {s.id for zone in ec2.subnets.values() for s in zone.values()}:
            found.append(f"The subnet ID '{subnet}' does not exist")
        groups = {g.id for vpc in ec2.groups.values() for g in vpc.values()}
        for group in infrastructure.get("securityGroupIds") or []:
            if group not in groups:
                found.append(f"The security group '{group}' does not exist")
        recipe = self.fields["imageRecipe"]
        try:
            parent = backend.parent_image(recipe["parentImage"], "parentImage")
            self.root_device_name = parent["root_device_name"] or "/dev/xvda"
        except Exception as error:  # noqa: BLE001 - the parent went away since the recipe was made
            found.append(f"the parent image {recipe['parentImage']} cannot be used: {getattr(error, 'message', error)}")
        for configuration in recipe.get("components") or []:
            try:
                component = backend.component(configuration["componentArn"], "componentArn")
            except Exception:  # noqa: BLE001
                found.append(f"the component {configuration['componentArn']} does not exist")
                continue
            if component.get("owner") == "Amazon":
                continue
            document = documents.parse(component["data"])
            found += [f"Document {component['arn']}: {problem}" for problem in documents.run_problems(document)]
        return found

    # -- the outcome ------------------------------------------------------------------------------------

    def settle(self) -> None:
        """Decides the build once: FAILED with the first problem, or AVAILABLE with its AMIs distributed."""
        with LOCK:
            if self.outcome or self.generation != GENERATION[0]:
                return
            problems = self.problems()
            if problems:
                self.outcome, self.reason = "FAILED", f"Image build failed: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
                return
            try:
                amis = self.distribute()
            except DistributionError as error:
                self.outcome, self.reason = "FAILED", str(error)
                return
            self.fields["outputResources"] = {"amis": amis}
            self.outcome = "AVAILABLE"

    def distribute(self) -> list[dict[str, Any]]:
        from moto.ec2.models import ec2_backends

        backend = self.backend
        distribution = self.fields.get("distributionConfiguration") or {}
        regions = distribution.get("distributions") or [{"region": backend.region_name}]
        variables = {
            "buildDate": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z").replace(":", "-"),
            "buildVersion": str(self.build_number),
            "imageVersion": self.fields["version"].split("/")[0],
            "imageName": self.recipe_name,
        }
        recipe = self.fields["imageRecipe"]
        planned = []
        for target in regions:
            region = target["region"]
            settings = target.get("amiDistributionConfiguration") or {}
            key = settings.get("kmsKeyId")
            key_arn = backend.key_arn(key, region) if key else None
            if key and not key_arn:
                raise DistributionError(f"Distribution to {region} failed: the KMS key '{key}' does not exist in {region}")
            planned.append((region, settings, key_arn))
        amis = []
        source_snapshots: list[dict[str, Any]] | None = None
        for region, settings, key_arn in planned:
            ec2 = ec2_backends[backend.account_id][region]
            name = render_name(settings.get("name") or f"{self.recipe_name} {{{{ imagebuilder:buildDate }}}}", variables)
            description = settings.get("description") or (recipe.get("description") if region == backend.region_name else None)
            if source_snapshots is None:
                source_snapshots = self._source_volumes(region)
                volumes = source_snapshots
            else:
                # A copy to another Region: re-encrypted with that Region's key; without one, an encrypted
                # snapshot is copied under the Region's default EBS key (CopyImage), a plain one stays plain.
                volumes = [dict(v, encrypted=bool(key_arn) or v["encrypted"], kms=key_arn) for v in source_snapshots]
            ami = self._register(ec2, region, name, description, volumes)
            tags = {**(settings.get("amiTags") or {}), **(recipe.get("amiTags") or {}), "CreatedBy": "EC2 Image Builder", "Ec2ImageBuilderArn": self.arn}
            ami.add_tags(tags)
            permission = settings.get("launchPermission") or {}
            ami.launch_permissions = (
                [{"UserId": account} for account in permission.get("userIds") or []]
                + [{"Group": group} for group in permission.get("userGroups") or []]
                + [{"OrganizationArn": arn} for arn in permission.get("organizationArns") or []]
                + [{"OrganizationalUnitArn": arn} for arn in permission.get("organizationalUnitArns") or []]
            )
            amis.append({"region": region, "image": ami.id, "name": name, "description": description, "state": {"status": "AVAILABLE"}, "accountId": backend.account_id})
        return [{k: v for k, v in ami.items() if v is not None} for ami in amis]

    def _source_volumes(self, region: str) -> list[dict[str, Any]]:
        """The output AMI's volumes in the build's Region: the root (encrypted only as the recipe maps
        it; an AWS-managed parent's snapshots are not encrypted) and each mapped device."""
        mappings = {m["deviceName"]: m for m in self.fields["imageRecipe"].get("blockDeviceMappings") or []}
        root = mappings.pop(self.root_device_name, None)
        volumes = [self._volume(self.root_device_name, root, 8, region)]
        volumes += [self._volume(device, mapping, 8, region) for device, mapping in mappings.items() if not mapping.get("noDevice")]
        return volumes

    def _volume(self, device: str, mapping: dict[str, Any] | None, default_size: int, region: str) -> dict[str, Any]:
        ebs = (mapping or {}).get("ebs") or {}
        key = ebs.get("kmsKeyId")
        return {
            "device": device,
            "size": ebs.get("volumeSize") or default_size,
            "type": ebs.get("volumeType") or "gp3",
            "delete": ebs.get("deleteOnTermination", True),
            "encrypted": bool(ebs.get("encrypted")),
            "kms": self.backend.key_arn(key, region) if key else None,
        }

    def _register(self, ec2: Any, region: str, name: str, description: str | None, volumes: list[dict[str, Any]]) -> Any:
        ami = ec2.register_image(name, description or "")
        ami.root_device_name = self.root_device_name
        ami.architecture = "x86_64"
        ami.virtualization_type = "hvm"
        mappings = []
        for volume in volumes:
            created = ec2.create_volume(size=volume["size"], zone_name=f"{region}a", encrypted=volume["encrypted"], kms_key_id=volume["kms"], volume_type=volume["type"])
            snapshot = ec2.create_snapshot(created.id, f"Created by EC2 Image Builder for {ami.id}", from_ami=ami.id)
            ec2.delete_volume(created.id)
            mappings.append({"device": volume["device"], "ebs": {"VolumeSize": volume["size"], "VolumeType": volume["type"], "DeleteOnTermination": volume["delete"]}, "snapshot": snapshot})
        ami.golden_ami_mappings = mappings
        ami.ebs_snapshot = mappings[0]["snapshot"]
        return ami


class DistributionError(Exception):
    pass


def start_build(backend: ImageBuilderBackend, request: dict[str, Any], pipeline: dict[str, Any] | None, build_type: str) -> str:
    """A new build of a recipe with an infrastructure and a distribution configuration (a pipeline's, or CreateImage's own)."""
    recipe = backend.image_recipe(request["imageRecipeArn"])
    infrastructure = backend.infrastructure_configuration(request["infrastructureConfigurationArn"])
    distribution = backend.distribution_configuration(request["distributionConfigurationArn"]) if request.get("distributionConfigurationArn") else None
    tests = request.get("imageTestsConfiguration") or {"imageTestsEnabled": True, "timeoutMinutes": 720}
    number = backend.next_build_number(recipe["arn"])
    arn = backend.arn("image", recipe["name"], recipe["version"], number)
    fields = {
        "arn": arn,
        "type": "AMI",
        "name": recipe["name"],
        "version": f"{recipe['version']}/{number}",
        "platform": recipe["platform"],
        "enhancedImageMetadataEnabled": request.get("enhancedImageMetadataEnabled", True),
        "imageRecipe": recipe,
        "infrastructureConfiguration": infrastructure,
        "distributionConfiguration": distribution,
        "imageTestsConfiguration": tests,
        "dateCreated": now_text(),
        "buildType": build_type,
        "imageSource": "CUSTOM",
        "owner": backend.account_id,
        "sourcePipelineArn": pipeline["arn"] if pipeline else None,
        "sourcePipelineName": pipeline["name"] if pipeline else None,
    }
    build = Build(backend, fields, recipe["name"], number, pipeline["arn"] if pipeline else None, bool(tests.get("imageTestsEnabled", True)))
    backend.images[arn] = build
    backend.tags[arn] = dict(request.get("tags") or (pipeline or {}).get("imageTags") or {})
    return arn


def on_reset() -> None:
    GENERATION[0] += 1
