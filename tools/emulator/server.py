"""The emulator: moto's server with the corrections and the organization of emulation.

Run by tools/emulator/emulator.ts (or `npm run emulator`). Besides moto's own routes it answers
GET /moto-api/golden-ami/organization with the organization as JSON (accounts, OUs, roles, the
administrator's credentials), and POST /moto-api/golden-ami/snapshot and /restore with a JSON body
{"path": …}: the whole world saved to a file, or restored from one (emulation/snapshots.py).
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emulation import install, organization, snapshots  # noqa: E402
from emulation.request_log import logged  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    os.environ["MOTO_PORT"] = str(args.port)

    install()

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    moto_app = DomainDispatcherApplication(create_backend_app)
    spec = organization.load_spec()

    def answer(start_response, status: str, payload: object):
        body = json.dumps(payload).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def app(environ, start_response):
        path = environ.get("PATH_INFO")
        if path == "/moto-api/golden-ami/organization":
            return answer(start_response, "200 OK", organization.describe(spec))
        if path in ("/moto-api/golden-ami/snapshot", "/moto-api/golden-ami/restore") and environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            request = json.loads(environ["wsgi.input"].read(length) or b"{}")
            try:
                if path.endswith("snapshot"):
                    return answer(start_response, "200 OK", {"path": request["path"], "bytes": snapshots.save(request["path"])})
                snapshots.restore(request["path"])
                return answer(start_response, "200 OK", {"path": request["path"]})
            except Exception as error:  # noqa: BLE001 - the harness shows it
                return answer(start_response, "500 Internal Server Error", {"error": f"{type(error).__name__}: {error}"})
        return moto_app(environ, start_response)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    try:
        run_simple(args.host, args.port, logged(app), threaded=True, request_handler=MotoRequestHandler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"port {args.port} is already in use on {args.host}: stop what listens there or choose another --port", file=sys.stderr)
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()
