"""The seed's HubClient and NodeState model, copied unchanged (but for the imports and the
HubStatus/FileIndex models, left out) from /work/shared/seeds/001_0cfddcd14aa73d42.txt:
NodeState from remora/hub/models.py (the seed's Step 2.x models, around line 87) and HubClient
from remora/context/hub_client.py (Step 2.8, around line 1165). Used by SocketSeedClientTest to
check that the Java hub answers the original Python client unchanged. Run:
    python3 seed_client.py SOCKET NODE_ID...   -> prints a JSON summary
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

class NodeState(BaseModel):
    """State for a single code node.

    This is what the Hub stores and serves to clients.
    """

    # === Identity ===
    key: str
    """Unique key: 'node:{file_path}:{node_name}'"""

    file_path: str
    """Absolute path to the file containing this node."""

    node_name: str
    """Name of the function, class, or module."""

    node_type: Literal["function", "class", "module"]
    """Type of code node."""

    # === Content Hashes (for change detection) ===
    source_hash: str
    """SHA256 of the node's source code."""

    file_hash: str
    """SHA256 of the entire file."""

    # === Static Analysis Results ===
    signature: str | None = None
    """Function/class signature: 'def foo(x: int) -> str'"""

    docstring: str | None = None
    """First line of docstring (truncated)."""

    imports: list[str] = Field(default_factory=list)
    """List of imports used by this node."""

    decorators: list[str] = Field(default_factory=list)
    """List of decorators: ['@staticmethod', '@cached']"""

    # === Cross-File Analysis (Expensive, Lazy) ===
    callers: list[str] | None = None
    """Nodes that call this node: ['bar.py:process']"""

    callees: list[str] | None = None
    """Nodes this calls: ['os.path.join']"""

    # === Test Discovery ===
    related_tests: list[str] | None = None
    """Test functions that exercise this node."""

    # === Quality Metrics ===
    line_count: int | None = None
    """Number of lines in this node."""

    complexity: int | None = None
    """Cyclomatic complexity score."""

    # === Flags ===
    docstring_outdated: bool = False
    """True if signature changed but docstring didn't."""

    has_type_hints: bool = True
    """True if function has type annotations."""

    # === Freshness ===
    last_updated: datetime
    """When this state was last computed."""

    update_source: Literal["file_change", "dependency_change", "manual", "cold_start"]
    """What triggered this update."""



class HubClient:
    """Client for the Hub daemon."""

    def __init__(
        self,
        socket_path: Path = Path("/tmp/remora-hub.sock"),
        timeout: float = 1.0,
    ) -> None:
        self.socket_path = socket_path
        self.timeout = timeout
        self._available: bool | None = None

    async def get_context(self, node_ids: list[str]) -> dict[str, NodeState]:
        """Get context for nodes from Hub.

        Returns empty dict if Hub is not available.
        """
        if not await self._is_available():
            return {}

        try:
            response = await self._send_request({
                "type": "get_context",
                "nodes": node_ids,
            })

            nodes = response.get("nodes", {})
            return {
                k: NodeState.model_validate(v)
                for k, v in nodes.items()
            }
        except Exception:
            return {}

    async def health_check(self) -> bool:
        """Check if Hub is healthy."""
        try:
            response = await self._send_request({"type": "health"})
            return response.get("status") == "ok"
        except Exception:
            return False

    async def _is_available(self) -> bool:
        """Check if Hub socket exists and is responsive."""
        if self._available is not None:
            return self._available

        if not self.socket_path.exists():
            self._available = False
            return False

        self._available = await self.health_check()
        return self._available

    async def _send_request(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send request to Hub and get response."""
        reader, writer = await asyncio.wait_for(
            asyncio.open_unix_connection(str(self.socket_path)),
            timeout=self.timeout,
        )

        try:
            writer.write(json.dumps(request).encode())
            await writer.drain()

            data = await asyncio.wait_for(
                reader.read(65536),
                timeout=self.timeout,
            )

            return json.loads(data.decode())
        finally:
            writer.close()
            await writer.wait_closed()



async def main(argv: list[str]) -> None:
    client = HubClient(socket_path=Path(argv[1]), timeout=5.0)
    healthy = await client.health_check()
    raw = await client._send_request({"type": "get_context", "nodes": argv[2:]})
    nodes = await client.get_context(argv[2:])  # validates each NodeState with pydantic, {} on any error
    for key, value in raw.get("nodes", {}).items():
        NodeState.model_validate(value)  # raises when the hub's JSON does not fit the seed's model
    print(json.dumps({
        "healthy": healthy,
        "raw_ids": sorted(raw.get("nodes", {})),
        "validated": {k: {"node_type": v.node_type, "signature": v.signature, "update_source": v.update_source,
                          "last_updated": v.last_updated.isoformat()} for k, v in nodes.items()},
    }))


if __name__ == "__main__":
    asyncio.run(main(sys.argv))
