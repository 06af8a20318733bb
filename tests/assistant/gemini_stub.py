"""A local stand-in for the Gemini API: google-genai talks to it through GEMINI_BASE_URL.

Each POST to ``/v1beta/models/<model>:streamGenerateContent`` is recorded (path, headers,
JSON body) and answered with the next scripted reply: a status code with an error body,
a list of JSON chunks sent as Server-Sent Events, as the real API streams them, or a
number of seconds to stay silent (a timeout).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class GeminiStub:
    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                pass

            def do_POST(self):
                size = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(size) or b"{}")
                stub.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                reply = stub.replies.pop(0) if stub.replies else (500, {"error": {"code": 500}})
                if isinstance(reply, float):  # a delay: answer nothing for that long
                    time.sleep(reply)
                    return
                if isinstance(reply, tuple):
                    status, payload = reply
                    data = json.dumps(payload).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for chunk in reply:
                    self.wfile.write(f"data: {json.dumps(chunk)}\r\n\r\n".encode())
                    self.wfile.flush()

        return Handler


def text_chunk(text: str, finish: bool = False, usage: tuple[int, int] | None = None) -> dict:
    """One streamed chunk with a piece of text (and, on the last, the finish and usage)."""
    candidate = {"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}
    if finish:
        candidate["finishReason"] = "STOP"
    chunk = {"candidates": [candidate], "modelVersion": "stub-flash"}
    if usage:
        chunk["usageMetadata"] = {
            "promptTokenCount": usage[0],
            "candidatesTokenCount": usage[1],
            "totalTokenCount": sum(usage),
        }
    return chunk


def call_chunk(name: str, args: dict, usage: tuple[int, int] = (50, 5)) -> dict:
    """A streamed chunk in which the model asks for a function call."""
    return {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [{"functionCall": {"name": name, "args": args}}],
                },
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {
            "promptTokenCount": usage[0],
            "candidatesTokenCount": usage[1],
            "totalTokenCount": sum(usage),
        },
    }
