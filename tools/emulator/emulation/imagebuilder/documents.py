"""AWSTOE component documents, checked as Image Builder checks them (EC2 Image Builder user guide,
"Use the AWSTOE component document framework": schemaVersion 1.0, phases build / validate / test,
steps with a unique name, an action module and its inputs; "Action modules supported by AWSTOE").

CreateComponent refuses a document that is not YAML or not shaped like one (no schemaVersion 1.0,
no phases): InvalidParameterValueException on `data`. What AWSTOE only finds when it runs the
document (an unknown action module, inputs the module does not take, a duplicate step name) fails
the build that uses the component: the image is FAILED with the reason. Written for the emulator on
its own (it must not import the project's validator, which it checks).
"""

from __future__ import annotations

from typing import Any

import yaml

from .exceptions import InvalidParameterValueException

ACTIONS = {
    "AppendFile", "Assert", "CopyFile", "CopyFolder", "CreateFile", "CreateFolder", "CreateSymlink", "DeleteFile",
    "DeleteFolder", "ExecuteBash", "ExecuteBinary", "ExecuteDocument", "ExecutePowerShell", "InstallMSI", "ListFiles",
    "MoveFile", "MoveFolder", "ReadFile", "Reboot", "S3Download", "S3Upload", "SetFileEncoding", "SetFileOwner",
    "SetFilePermissions", "SetFolderOwner", "SetFolderPermissions", "SetRegistry", "UninstallMSI", "UpdateOS", "WebDownload",
}  # fmt: skip
PHASES = {"build", "validate", "test", "container-host-test"}


def parse(data: str) -> dict[str, Any]:
    """The document, or InvalidParameterValueException as CreateComponent answers it."""
    try:
        document = yaml.safe_load(data)
    except yaml.YAMLError as error:
        raise InvalidParameterValueException("data", f"The document is not valid YAML: {str(error).splitlines()[0]}")
    if not isinstance(document, dict):
        raise InvalidParameterValueException("data", "The document must be a YAML mapping with schemaVersion and phases.")
    if str(document.get("schemaVersion")) not in ("1.0", "1"):
        raise InvalidParameterValueException("data", f"The document's schemaVersion must be 1.0, got '{document.get('schemaVersion')}'.")
    phases = document.get("phases")
    if not isinstance(phases, list) or not phases:
        raise InvalidParameterValueException("data", "The document must have at least one phase.")
    return document


def component_type(document: dict[str, Any]) -> str:
    """BUILD when the document has a build phase, else TEST (Component.type)."""
    return "BUILD" if any(isinstance(p, dict) and p.get("name") == "build" for p in document.get("phases", [])) else "TEST"


def run_problems(document: dict[str, Any]) -> list[str]:
    """What AWSTOE would stop on when it runs the document, one line each."""
    problems: list[str] = []
    for phase in document.get("phases", []):
        if not isinstance(phase, dict) or phase.get("name") not in PHASES:
            problems.append(f"phase {phase.get('name') if isinstance(phase, dict) else phase!r}: not a phase AWSTOE runs (build, validate, test)")
            continue
        seen: set[str] = set()
        for step in phase.get("steps") or []:
            name = step.get("name") if isinstance(step, dict) else None
            where = f"phase {phase['name']}, step {name}"
            if not isinstance(step, dict) or not name:
                problems.append(f"phase {phase['name']}: a step has no name")
                continue
            if name in seen:
                problems.append(f"{where}: the step name is used twice in the phase")
            seen.add(name)
            action = step.get("action")
            if action not in ACTIONS:
                problems.append(f"{where}: '{action}' is not an AWSTOE action module")
            elif action in ("ExecuteBash", "ExecutePowerShell"):
                commands = (step.get("inputs") or {}).get("commands") if isinstance(step.get("inputs"), dict) else None
                if not isinstance(commands, list) or not commands:
                    problems.append(f"{where}: {action} needs inputs.commands, a list of at least one command")
        if not phase.get("steps"):
            problems.append(f"phase {phase['name']}: no steps")
    return problems
