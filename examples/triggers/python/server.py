"""Serves Lambda trigger handlers written in Python to Cognate, unchanged.

POST /<function> runs ``handler(event, context)`` of ``<handlers>/<function>.py`` with the event
Cognate sent and answers with the event it returns. Calls are checked first: X-Cognate-Signature
must be ``v1=`` + HMAC-SHA256(secret, "<X-Cognate-Timestamp>.<body>") and the timestamp within
5 minutes. An exception is answered as Lambda's error body, ``{"errorMessage", "errorType"}``,
which Cognate reports as UserLambdaValidationException.

    COGNATE_TRIGGER_SECRET=... python3 server.py [--port 3002] [--handlers ./handlers]
"""

import argparse
import hashlib
import hmac
import importlib.util
import json
import os
import re
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 1024 * 1024


def signed_by(secret: bytes, timestamp: str, signature: str, body: bytes, now: float | None = None) -> bool:
    """Whether the call carries this server's signature over its timestamp and body, and is fresh."""
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature, f"v1={mac}")


class Context:
    """The parts of Lambda's context object that handlers read."""

    def __init__(self, name: str):
        self.function_name = name
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + 5

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class Handlers:
    """The handlers of a folder, each module loaded once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.loaded = {}

    def get(self, name: str):
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            return None
        if name not in self.loaded:
            path = self.folder / f"{name}.py"
            if not path.exists():
                return None
            spec = importlib.util.spec_from_file_location(f"trigger_{name}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self.loaded[name] = getattr(module, "handler", None)
        return self.loaded[name]


def make_server(secret: bytes, folder: Path, port: int = 0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    handlers = Handlers(folder)

    class Request(BaseHTTPRequestHandler):
        def answer(self, status: int, body) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_BODY_BYTES:
                return self.answer(413, {"message": "too large"})
            body = self.rfile.read(length)
            timestamp = self.headers.get("x-cognate-timestamp", "")
            if not signed_by(secret, timestamp, self.headers.get("x-cognate-signature", ""), body):
                return self.answer(401, {"message": "not signed by Cognate"})
            name = self.path.lstrip("/").split("?")[0]
            handler = handlers.get(name)
            if handler is None:
                return self.answer(404, {"message": f"no handler {name}"})
            try:
                self.answer(200, handler(json.loads(body), Context(name)))
            except Exception as error:  # the function threw: Lambda's error body
                self.answer(400, {"errorMessage": str(error), "errorType": type(error).__name__})

        def log_message(self, format, *args):  # quiet: one line per call is the handlers' job
            pass

    return ThreadingHTTPServer((host, port), Request)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=3002)
    parser.add_argument("--handlers", default=str(Path(__file__).parent / "handlers"))
    args = parser.parse_args()
    secret = os.environ.get("COGNATE_TRIGGER_SECRET")
    if not secret:
        sys.exit("set COGNATE_TRIGGER_SECRET (the [triggers] secret of cognate.toml)")
    server = make_server(secret.encode(), Path(args.handlers), args.port)
    print(f"serving the handlers in {args.handlers} on http://127.0.0.1:{server.server_address[1]}/<function>")
    server.serve_forever()


if __name__ == "__main__":
    main()
