"""EC2 Image Builder for moto, in moto's structure (models, responses, urls, exceptions). moto has no
Image Builder; this emulates what AWS provider 5.100's aws_imagebuilder_* resources and data sources,
and golden-ami build, call. See README.md for what it emulates and what not."""

import re
import sys

from .models import imagebuilder_backends  # noqa: F401


def register() -> None:
    """Makes moto's server route Image Builder requests here: its backend index learns the service's
    URL and moto.imagebuilder names this package, where moto looks a service's backends up."""
    import moto.backend_index as backend_index
    import moto.backends as backends

    sys.modules["moto.imagebuilder"] = sys.modules[__name__]
    if not any(name == "imagebuilder" for name, _ in backend_index.backend_url_patterns):
        backend_index.backend_url_patterns.append(("imagebuilder", re.compile(r"https?://imagebuilder\.(.+)\.amazonaws\.com")))
    original = backends.get_backend

    def get_backend(name):  # type: ignore[no-untyped-def]
        return imagebuilder_backends if name == "imagebuilder" else original(name)

    backends.get_backend = get_backend
