#!/usr/bin/env python3
"""A STAND-IN model endpoint for benchmarks (no model runs here): an OpenAI-compatible
POST /v1/chat/completions that approves the first N offered tools (default 2) as tool_calls,
each with a reason. It measures the hub's side of the protocol (request, parse, decision,
trace), not a model. Usage: standin_model.py PORT [N]   (prints "ready PORT" when listening)"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

APPROVE = int(sys.argv[2]) if len(sys.argv) > 2 else 2


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        names = [t["function"]["name"] for t in body.get("tools", []) if t.get("function", {}).get("name") != "no_update"]
        calls = [{"id": f"c{i}", "type": "function",
                  "function": {"name": n, "arguments": json.dumps({"reason": "stand-in endpoint: first offered"})}}
                 for i, n in enumerate(names[:APPROVE])]
        reply = json.dumps({"choices": [{"index": 0, "finish_reason": "tool_calls",
                                         "message": {"role": "assistant", "content": None, "tool_calls": calls}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
print("ready", server.server_address[1], flush=True)
server.serve_forever()
