"""Image Builder's errors, as its API reference names them (EC2 Image Builder API reference, Common
Errors and each operation's Errors), with the HTTP statuses its service model gives them."""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError


class ImageBuilderError(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__(type(self).__name__, message)


class InvalidParameterValueException(ImageBuilderError):
    """A field's value is not valid: "The value supplied for parameter '<field>' is not valid. <why>"."""

    def __init__(self, field: str, why: str = "") -> None:
        super().__init__(f"The value supplied for parameter '{field}' is not valid.{' ' + why if why else ''}")


class InvalidParameterException(ImageBuilderError):
    pass


class InvalidRequestException(ImageBuilderError):
    pass


class InvalidVersionNumberException(ImageBuilderError):
    pass


class ResourceAlreadyExistsException(ImageBuilderError):
    def __init__(self, kind: str, arn: str) -> None:
        super().__init__(f"The following resource '{kind}' already exists: '{arn}'.")


class ResourceDependencyException(ImageBuilderError):
    def __init__(self, arn: str) -> None:
        super().__init__(f"Resource dependency error: The resource ARN '{arn}' has other resources depended on it.")


class ResourceInUseException(ImageBuilderError):
    pass


class IdempotentParameterMismatchException(ImageBuilderError):
    def __init__(self, token: str) -> None:
        super().__init__(f"The client token '{token}' was used before with different parameters.")


class ResourceNotFoundException(ImageBuilderError):
    code = 404

    def __init__(self, arn: str) -> None:
        super().__init__(f"The resource ARN '{arn}' does not exist.")
