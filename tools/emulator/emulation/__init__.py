"""moto, made an AWS Organization: corrections where moto differs from AWS, the organization
itself, and the services moto lacks. `install()` is called once before the server starts."""

from __future__ import annotations

import os


def install() -> None:
    # Accounts are cheap only without moto's few hundred default AMIs per account and region, and
    # RunInstances must look its AMI up (visibility across accounts): both are moto settings.
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    os.environ.setdefault("MOTO_ENABLE_AMI_VALIDATION", "true")
    os.environ.pop("MOTO_ACCOUNT_ID", None)  # one account for every request would undo the organization

    from . import corrections, imagebuilder, organization
    from .imagebuilder import builds

    corrections.apply_all()
    imagebuilder.register()

    from moto.moto_api._internal.models import MotoAPIBackend

    reset = MotoAPIBackend.reset

    def reset_and_rebuild(self: MotoAPIBackend) -> None:
        builds.on_reset()
        reset(self)
        organization.build()

    MotoAPIBackend.reset = reset_and_rebuild
    organization.build()
