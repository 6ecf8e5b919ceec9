"""One log line per request: who (account), what (service and action), the answer and how long it took.

werkzeug's own line names only the method and path, which for every Query or JSON API is "POST /":
after a failed end-to-end step the log could not say which call failed, for which account. This
middleware adds, beside it,

    golden-ami 08:35:05.412 444455556666 ec2 RevokeSecurityGroupEgress -> 400 (3 ms)

The account is the one the signing key belongs to (the backend moto serves the request from); a
request signed with a key no account issued shows "unknown". Bodies are read only for form-encoded
requests (the Query APIs put the action there) and handed on unchanged.
"""

from __future__ import annotations

import io
import re
import sys
import time
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

from .accounts import account_of_key

_SCOPE = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/")
_MAX_FORM_BYTES = 1 << 20


def _action(environ: dict[str, Any]) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    content_type = environ.get("CONTENT_TYPE") or ""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if content_type.startswith("application/x-www-form-urlencoded") and 0 < length <= _MAX_FORM_BYTES:
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0]
    query = parse_qs(environ.get("QUERY_STRING") or "").get("Action")
    if query:
        return query[0]
    return f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"


def logged(app: Callable[..., Iterable[bytes]], stream=sys.stderr) -> Callable[..., Iterable[bytes]]:
    """`app` with one line per request written to `stream`."""

    def wrapper(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        began = time.monotonic()
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION") or "")
        account = (account_of_key(scope.group(1)) or "unknown") if scope else "unsigned"
        service = scope.group(3) if scope else "-"
        action = _action(environ)
        status: list[str] = []

        def recording_start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code.split(" ", 1)[0])
            return start_response(code, headers, exc_info) if exc_info else start_response(code, headers)

        try:
            return app(environ, recording_start_response)
        finally:
            elapsed = (time.monotonic() - began) * 1000
            now = time.time()
            stamp = time.strftime("%H:%M:%S", time.localtime(now)) + f".{int(now * 1000) % 1000:03d}"
            stream.write(f"golden-ami {stamp} {account} {service} {action} -> {status[0] if status else '?'} ({elapsed:.0f} ms)\n")
            stream.flush()

    return wrapper
