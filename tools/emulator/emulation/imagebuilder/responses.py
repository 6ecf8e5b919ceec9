"""Image Builder's REST-JSON operations: each one parses its request (moto's automated parsing from the
service model), calls the backend and answers the shapes the API reference gives."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from moto.core.responses import BaseResponse

from . import builds
from .exceptions import InvalidParameterValueException
from .models import ImageBuilderBackend, imagebuilder_backends


class ImageBuilderResponse(BaseResponse):
    def __init__(self) -> None:
        super().__init__(service_name="imagebuilder")
        self.automated_parameter_parsing = True

    @property
    def backend(self) -> ImageBuilderBackend:
        return imagebuilder_backends[self.current_account][self.region]

    def _params(self) -> dict[str, Any]:
        return dict(self._get_params())

    def _answer(self, **fields: Any) -> str:
        return json.dumps({"requestId": self.request_id if hasattr(self, "request_id") else "emulator", **{k: v for k, v in fields.items() if v is not None}}, default=str)

    def _created(self, arn_field: str, arn: str) -> str:
        return self._answer(clientToken=self._get_param("clientToken"), **{arn_field: arn})

    def _resource_arn(self) -> str:
        arn = self._get_param("resourceArn") or self.path.split("/tags/", 1)[-1]
        return unquote(arn)

    def _listed(self, key: str, items: list[dict[str, Any]]) -> str:
        size = int(self._get_param("maxResults") or 25)
        start = int(self._get_param("nextToken") or 0)
        page = items[start : start + size]
        token = str(start + size) if start + size < len(items) else None
        return self._answer(**{key: page, "nextToken": token})

    # components
    def create_component(self) -> str:
        return self._created("componentBuildVersionArn", self.backend.create_component(self._params()))

    def get_component(self) -> str:
        return self._answer(component=self.backend.component(self._get_param("componentBuildVersionArn")))

    def delete_component(self) -> str:
        return self._answer(componentBuildVersionArn=self.backend.delete_component(self._get_param("componentBuildVersionArn")))

    def list_components(self) -> str:
        return self._listed("componentVersionList", self.backend.list_components(self._params()))

    def list_component_build_versions(self) -> str:
        return self._listed("componentSummaryList", self.backend.list_component_build_versions(self._get_param("componentVersionArn")))

    # image recipes
    def create_image_recipe(self) -> str:
        return self._created("imageRecipeArn", self.backend.create_image_recipe(self._params()))

    def get_image_recipe(self) -> str:
        return self._answer(imageRecipe=self.backend.image_recipe(self._get_param("imageRecipeArn")))

    def delete_image_recipe(self) -> str:
        return self._answer(imageRecipeArn=self.backend.delete_image_recipe(self._get_param("imageRecipeArn")))

    def list_image_recipes(self) -> str:
        return self._listed("imageRecipeSummaryList", self.backend.list_image_recipes(self._params()))

    # infrastructure configurations
    def create_infrastructure_configuration(self) -> str:
        return self._created("infrastructureConfigurationArn", self.backend.create_infrastructure_configuration(self._params()))

    def update_infrastructure_configuration(self) -> str:
        return self._created("infrastructureConfigurationArn", self.backend.update_infrastructure_configuration(self._params()))

    def get_infrastructure_configuration(self) -> str:
        return self._answer(infrastructureConfiguration=self.backend.infrastructure_configuration(self._get_param("infrastructureConfigurationArn")))

    def delete_infrastructure_configuration(self) -> str:
        return self._answer(infrastructureConfigurationArn=self.backend.delete_infrastructure_configuration(self._get_param("infrastructureConfigurationArn")))

    def list_infrastructure_configurations(self) -> str:
        return self._listed("infrastructureConfigurationSummaryList", self.backend.list_infrastructure_configurations(self._params()))

    # distribution configurations
    def create_distribution_configuration(self) -> str:
        return self._created("distributionConfigurationArn", self.backend.create_distribution_configuration(self._params()))

    def update_distribution_configuration(self) -> str:
        return self._created("distributionConfigurationArn", self.backend.update_distribution_configuration(self._params()))

    def get_distribution_configuration(self) -> str:
        return self._answer(distributionConfiguration=self.backend.distribution_configuration(self._get_param("distributionConfigurationArn")))

    def delete_distribution_configuration(self) -> str:
        return self._answer(distributionConfigurationArn=self.backend.delete_distribution_configuration(self._get_param("distributionConfigurationArn")))

    def list_distribution_configurations(self) -> str:
        return self._listed("distributionConfigurationSummaryList", self.backend.list_distribution_configurations(self._params()))

    # image pipelines
    def create_image_pipeline(self) -> str:
        return self._created("imagePipelineArn", self.backend.create_image_pipeline(self._params()))

    def update_image_pipeline(self) -> str:
        return self._created("imagePipelineArn", self.backend.update_image_pipeline(self._params()))

    def get_image_pipeline(self) -> str:
        return self._answer(imagePipeline=self.backend.image_pipeline(self._get_param("imagePipelineArn")))

    def delete_image_pipeline(self) -> str:
        return self._answer(imagePipelineArn=self.backend.delete_image_pipeline(self._get_param("imagePipelineArn")))

    def list_image_pipelines(self) -> str:
        return self._listed("imagePipelineList", self.backend.list_image_pipelines(self._params()))

    def start_image_pipeline_execution(self) -> str:
        params = self._params()

        def start() -> str:
            pipeline = self.backend.image_pipeline(params.get("imagePipelineArn", ""))
            return builds.start_build(self.backend, {**pipeline, "tags": params.get("tags")}, pipeline, "USER_INITIATED")

        arn = self.backend.idempotent(params.get("clientToken"), "StartImagePipelineExecution", params, start)
        return self._created("imageBuildVersionArn", arn)

    # images
    def create_image(self) -> str:
        params = self._params()
        if not params.get("imageRecipeArn"):
            raise InvalidParameterValueException("imageRecipeArn", "An AMI image needs an image recipe (container recipes are not emulated).")
        arn = self.backend.idempotent(params.get("clientToken"), "CreateImage", params, lambda: builds.start_build(self.backend, params, None, "USER_INITIATED"))
        return self._created("imageBuildVersionArn", arn)

    def get_image(self) -> str:
        return self._answer(image=self.backend.image(self._get_param("imageBuildVersionArn")).describe())

    def delete_image(self) -> str:
        build = self.backend.image(self._get_param("imageBuildVersionArn"))
        self.backend.images.pop(build.arn, None)
        self.backend.tags.pop(build.arn, None)
        return self._answer(imageBuildVersionArn=build.arn)

    def cancel_image_creation(self) -> str:
        build = self.backend.image(self._get_param("imageBuildVersionArn"))
        self.backend.assert_cancellable(build)
        build.cancel()
        return self._created("imageBuildVersionArn", build.arn)

    def list_image_pipeline_images(self) -> str:
        pipeline = self.backend.image_pipeline(self._get_param("imagePipelineArn"))
        items = [b.summary() for b in sorted(self.backend.images.values(), key=lambda b: b.started) if b.pipeline_arn == pipeline["arn"]]
        return self._listed("imageSummaryList", self.backend.filtered(items, self._get_param("filters"), {"name": "name", "version": "version"}))

    def list_image_build_versions(self) -> str:
        version_arn = self._get_param("imageVersionArn") or ""
        items = [b.summary() for b in sorted(self.backend.images.values(), key=lambda b: b.started) if b.arn.startswith(version_arn + "/")]
        names = {"name": "name", "osVersion": "osVersion", "platform": "platform", "type": "type", "version": "version"}
        return self._listed("imageSummaryList", self.backend.filtered(items, self._get_param("filters"), names))

    def list_images(self) -> str:
        versions: dict[str, dict[str, Any]] = {}
        for build in self.backend.images.values():
            summary = build.summary()
            arn = build.arn.rsplit("/", 1)[0]
            versions.setdefault(arn, {"arn": arn, "name": summary["name"], "type": "AMI", "version": summary["version"].split("/")[0], "platform": summary["platform"], "owner": summary["owner"], "dateCreated": summary["dateCreated"], "buildType": summary["buildType"], "imageSource": "CUSTOM"})
        items = self.backend.filtered(list(versions.values()), self._get_param("filters"), {"name": "name", "platform": "platform", "type": "type", "version": "version"})
        return self._listed("imageVersionList", items)

    # lifecycle policies
    def create_lifecycle_policy(self) -> str:
        return self._created("lifecyclePolicyArn", self.backend.create_lifecycle_policy(self._params()))

    def update_lifecycle_policy(self) -> str:
        return self._answer(lifecyclePolicyArn=self.backend.update_lifecycle_policy(self._params()))

    def get_lifecycle_policy(self) -> str:
        return self._answer(lifecyclePolicy=self.backend.lifecycle_policy(self._get_param("lifecyclePolicyArn")))

    def delete_lifecycle_policy(self) -> str:
        return self._answer(lifecyclePolicyArn=self.backend.delete_lifecycle_policy(self._get_param("lifecyclePolicyArn")))

    def list_lifecycle_policies(self) -> str:
        return self._listed("lifecyclePolicySummaryList", self.backend.list_lifecycle_policies(self._params()))

    # tags
    def tag_resource(self) -> str:
        self.backend.tag_resource(self._resource_arn(), self._get_param("tags") or {})
        return "{}"

    def untag_resource(self) -> str:
        keys = self._get_param("tagKeys") or self.querystring.get("tagKeys", [])
        self.backend.untag_resource(self._resource_arn(), keys)
        return "{}"

    def list_tags_for_resource(self) -> str:
        return json.dumps({"tags": self.backend.list_tags_for_resource(self._resource_arn())})
