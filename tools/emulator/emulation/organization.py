"""The emulated organization, built through moto's own Organizations and IAM models.

From organization.json: a management account with the organization, nested OUs, member accounts
(each with the OrganizationAccountAccessRole that CreateAccount makes, trusting the management
account: Organizations user guide, "Accessing member accounts"), accounts outside it, one
administrator user in the management account (the one base identity the harness starts from), and
the CI's roles in the shared account (stand-ins for the OIDC roles of docs/ci-roles.md: they trust
the administrator instead of a token issuer). Ids are fixed by the file, so runs are repeatable;
moto makes them random, which seeding replaces for the duration of the build only.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from typing import Any, Iterator

import moto.organizations.utils as organization_ids
from moto.iam.models import iam_backends
from moto.organizations.models import organizations_backends

PARTITION = "aws"
SPEC_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "organization.json")

# AdministratorAccess's document, inline: moto loads AWS managed policies only on request, and slowly.
ADMINISTRATOR_ACCESS = {"administrator-access": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}
ACCESS_ROLE = "OrganizationAccountAccessRole"


def load_spec() -> dict[str, Any]:
    with open(SPEC_PATH, encoding="utf-8") as file:
        return json.load(file)


@contextmanager
def _ids(**queues: list[str]) -> Iterator[None]:
    """moto's id generators answer from the given lists while the block runs."""
    saved = {name: getattr(organization_ids, name) for name in queues}
    for name, values in queues.items():
        remaining = list(values)
        setattr(organization_ids, name, lambda *_args, _r=remaining, _n=name: _r.pop(0) if _r else saved[_n](*_args))
    try:
        yield
    finally:
        for name, generator in saved.items():
            setattr(organization_ids, name, generator)


def build(spec: dict[str, Any] | None = None) -> dict[str, Any]:
    spec = spec or load_spec()
    management = spec["management"]["id"]
    backend = organizations_backends[management][PARTITION]
    units = sorted(spec["units"], key=lambda u: u["path"].count("/"))
    with _ids(make_random_org_id=[spec["organization_id"]], make_random_root_id=[spec["root_id"]]):
        backend.create_organization(region="us-east-1", FeatureSet="ALL")
    unit_ids = {"": spec["root_id"]}
    for unit in units:
        parent = unit["path"].rsplit("/", 1)[0] if "/" in unit["path"] else ""
        with _ids(make_random_ou_id=[unit["id"]]):
            backend.create_organizational_unit(Name=unit["path"].rsplit("/", 1)[-1], ParentId=unit_ids[parent])
        unit_ids[unit["path"]] = unit["id"]
    for account in spec["accounts"]:
        with _ids(make_random_account_id=[account["id"]]):
            backend.create_account(AccountName=account["name"], Email=f"{account['name']}@example.com")
        backend.move_account(AccountId=account["id"], SourceParentId=spec["root_id"], DestinationParentId=unit_ids[account["unit"]])
    for outsider in spec["outsiders"]:
        _role(outsider["id"], ACCESS_ROLE, {"AWS": f"arn:aws:iam::{management}:root"}, inline=ADMINISTRATOR_ACCESS)
    for account in spec["accounts"]:
        for name, document in ADMINISTRATOR_ACCESS.items():
            iam_backends[account["id"]][PARTITION].put_role_policy(ACCESS_ROLE, name, json.dumps(document))
    _administrator(spec["administrator"])
    _ci_roles(spec["ci_roles"])
    return describe(spec)


def _administrator(admin: dict[str, str]) -> None:
    iam = iam_backends[admin["account"]][PARTITION]
    iam.create_user(region_name="us-east-1", user_name=admin["user"], path="/", tags=[])
    for name, document in ADMINISTRATOR_ACCESS.items():
        iam.put_user_policy(admin["user"], name, json.dumps(document))
    key = iam.create_access_key(admin["user"])
    del iam.access_keys[key.physical_resource_id]
    key.access_key_id = admin["access_key_id"]
    key.secret_access_key = admin["secret_access_key"]
    iam.access_keys[key.physical_resource_id] = key


def _ci_roles(ci: dict[str, Any]) -> None:
    for purpose in ("plan", "deploy"):
        role = ci[purpose]
        _role(
            ci["account"],
            role["name"],
            {"AWS": ci["trusted_by"]},
            inline={
                "assume-golden-ami-roles": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": [f"arn:aws:iam::*:role/{name}" for name in role["may_assume"]]}
                    ],
                }
            },
        )


def _role(account: str, name: str, principal: dict[str, str], inline: dict[str, dict] | None = None) -> None:
    iam = iam_backends[account][PARTITION]
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]}
    iam.create_role(
        role_name=name,
        assume_role_policy_document=json.dumps(trust),
        path="/",
        permissions_boundary=None,
        description="",
        tags=[],
        max_session_duration="3600",
    )
    for policy_name, document in (inline or {}).items():
        iam.put_role_policy(name, policy_name, json.dumps(document))


def describe(spec: dict[str, Any]) -> dict[str, Any]:
    """What the emulator prints and serves at /moto-api/golden-ami/organization."""
    management = spec["management"]["id"]
    org = organizations_backends[management][PARTITION].org
    arn_of_unit = {u["path"]: f"arn:aws:organizations::{management}:ou/{org.id}/{u['id']}" for u in spec["units"]}
    ci = spec["ci_roles"]
    return {
        "organization": {"id": org.id, "arn": org.arn, "management_account_id": management},
        "organizational_units": [{"path": u["path"], "id": u["id"], "arn": arn_of_unit[u["path"]]} for u in spec["units"]],
        "accounts": [
            {
                "id": a["id"],
                "name": a["name"],
                "organizational_unit": a["unit"],
                "role": a["role"],
                "access_role_arn": f"arn:aws:iam::{a['id']}:role/{ACCESS_ROLE}",
            }
            for a in spec["accounts"]
        ],
        "outsiders": [{"id": o["id"], "name": o["name"], "role": o["role"], "access_role_arn": f"arn:aws:iam::{o['id']}:role/{ACCESS_ROLE}"} for o in spec["outsiders"]],
        "administrator": {
            "arn": f"arn:aws:iam::{spec['administrator']['account']}:user/{spec['administrator']['user']}",
            "access_key_id": spec["administrator"]["access_key_id"],
            "secret_access_key": spec["administrator"]["secret_access_key"],
        },
        "ci_roles": {purpose: f"arn:aws:iam::{ci['account']}:role/{ci[purpose]['name']}" for purpose in ("plan", "deploy")},
    }
