"""Corrections: where moto answers differently from AWS in a way the project depends on.

One module per behaviour, each with the AWS document it follows in its docstring and an
`apply()` that patches moto in place. They are applied once, before moto's server starts
(tools/emulator/server.py); remove one when moto does the same.
"""

from . import (
    ami_deprecation,
    ami_disable,
    ami_register,
    ami_visibility,
    authentication,
    autoscaling_activities,
    autoscaling_launches,
    autoscaling_names,
    encrypted_launches,
    iam_managed_policies,
    iam_policy_simulator,
    kms_cross_account,
    kms_replica_keys,
    launch_template_tags,
    sts_assume_role,
)

ALL = [
    authentication,
    sts_assume_role,
    iam_managed_policies,
    iam_policy_simulator,
    ami_register,
    ami_visibility,
    ami_deprecation,
    ami_disable,
    kms_cross_account,
    kms_replica_keys,
    launch_template_tags,
    autoscaling_names,
    autoscaling_activities,
    autoscaling_launches,
    encrypted_launches,
]


def apply_all() -> None:
    for correction in ALL:
        correction.apply()
