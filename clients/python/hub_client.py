"""Client for the Node State Hub socket (standard library only, Python 3.8+).

    from hub_client import HubClient
    with HubClient.for_repo("/path/to/repo") as hub:
        hub.health()                        # {"status": "ok", "nodes": ..., "files": ...}
        hub.context("pkg/mod.py::f")        # HubContextBlob dict, with freshness_status
        hub.get_context(["pkg/mod.py::f"])  # {"pkg/mod.py::f": NodeState dict}; unknown ids left out

Speaks newline-delimited JSON on one kept connection. When no hub runs, or it does not answer
within the timeout, every call returns None / {} instead of raising, so an agent never breaks on
the hub.
"""

import json
import os
import socket

__all__ = ["HubClient", "socket_path"]


def socket_path(repo):
    """The socket of repo's hub: the one named in .agentfs/hub.sock.path, else .agentfs/hub.sock."""
    agentfs = os.path.join(os.path.abspath(repo), ".agentfs")
    try:
        with open(os.path.join(agentfs, "hub.sock.path"), encoding="utf-8") as f:
            path = f.read().strip()
            if path:
                return path
    except OSError:
        pass
    return os.path.join(agentfs, "hub.sock")


class HubClient:
    def __init__(self, path, timeout=1.0, requester="python"):
        self.path = str(path)
        self.timeout = timeout
        self.requester = requester
        self._sock = None
        self._buf = b""

    @classmethod
    def for_repo(cls, repo, **kwargs):
        return cls(socket_path(repo), **kwargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
                self._buf = b""

    def request(self, req):
        """Sends one request (a dict); returns the reply dict, or None when no hub answers."""
        line = (json.dumps(req) + "\n").encode("utf-8")
        for attempt in (0, 1):  # one reconnect: the hub may have restarted
            try:
                if self._sock is None:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.settimeout(self.timeout)
                    s.connect(self.path)
                    self._sock = s
                self._sock.sendall(line)
                while b"\n" not in self._buf:
                    chunk = self._sock.recv(65536)
                    if not chunk:
                        raise ConnectionError("hub closed the connection")
                    self._buf += chunk
                reply, self._buf = self._buf.split(b"\n", 1)
                return json.loads(reply.decode("utf-8"))
            except (OSError, ValueError):
                self.close()
        return None

    def health(self):
        return self.request({"type": "health"})

    def status(self):
        return self.request({"type": "status"})

    def get_context(self, node_ids):
        """The seed's get_context: {id: NodeState dict}; {} when no hub runs."""
        reply = self.request({"type": "get_context", "nodes": list(node_ids), "requester": self.requester})
        return (reply or {}).get("nodes", {})

    def context(self, node_id):
        """The HubContextBlob of one node (freshness_status, warning...); None when no hub runs."""
        reply = self.request({"type": "context", "node_id": node_id, "requester": self.requester})
        return None if reply is None else reply.get("context", reply)

    def get_node(self, node_id):
        return self.request({"type": "get_node", "node_id": node_id})

    def search(self, pattern, limit=50):
        reply = self.request({"type": "search", "pattern": pattern, "limit": limit})
        return (reply or {}).get("results", [])

    def callers(self, node_id):
        return (self.request({"type": "callers", "node_id": node_id}) or {}).get("callers")

    def callees(self, node_id):
        return (self.request({"type": "callees", "node_id": node_id}) or {}).get("callees")

    def tests(self, node_id):
        return (self.request({"type": "tests", "node_id": node_id}) or {}).get("tests")

    def hint(self, node_id, facts, reason=None):
        return self.request({"type": "hint", "node_id": node_id, "facts": facts, "reason": reason,
                             "requester": self.requester})


if __name__ == "__main__":
    import sys
    repo = sys.argv[1] if len(sys.argv) > 1 else "."
    with HubClient.for_repo(repo) as hub:
        print(json.dumps(hub.status() or {"running": False}, indent=2))
