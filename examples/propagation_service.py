"""A tiny HTTP service for examples/propagation.json.

It answers every GET with a JSON object holding the traceparent header it
received ({"traceparent": "00-..."}; the key is left out when there was
none). Usage: python3 examples/propagation_service.py [PORT], default 8080.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Echo(BaseHTTPRequestHandler):
    def do_GET(self):
        body = {"path": self.path}
        if self.headers.get("traceparent"):
            body["traceparent"] = self.headers["traceparent"]
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    HTTPServer(("127.0.0.1", port), Echo).serve_forever()
