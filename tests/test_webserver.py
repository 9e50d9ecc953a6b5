"""`dagster dev`'s webserver serves the same asset graph: start it on a loopback port and find
every asset of the Definitions through its GraphQL API."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from assets.definitions import defs

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUERY = "{ assetNodes { assetKey { path } } }"
LOCATIONS = "{ workspaceOrError { ... on Workspace { locationEntries { name } } } }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_webserver_serves_every_asset(tmp_path):
    port = _free_port()
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path), IPS_EVAL_OUT=str(tmp_path / "out"))
    webserver = Path(sys.executable).parent / "dagster-webserver"
    proc = subprocess.Popen(
        [str(webserver), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, served, last_error = time.monotonic() + 120, None, None
        while time.monotonic() < deadline and served is None:
            if proc.poll() is not None:
                raise AssertionError(f"webserver exited: {proc.stdout.read().decode()[-2000:]}")
            try:
                nodes = _graphql(port, QUERY)["data"]["assetNodes"]
                if nodes:
                    served = {"/".join(n["assetKey"]["path"]) for n in nodes}
                    break
                last_error = "the webserver answered with no assets"
            except OSError as exc:  # not listening yet
                last_error = exc
            time.sleep(1)
        assert served is not None, f"no GraphQL answer in time: {last_error}"
        expected = {k.to_user_string()
                    for k in defs().resolve_asset_graph().get_all_asset_keys()}
        assert expected <= served, f"missing in the UI: {sorted(expected - served)}"
        # one code location, under the name workspace.yaml and pyproject.toml both give it
        workspace = _graphql(port, LOCATIONS)["data"]["workspaceOrError"]["locationEntries"]
        assert [entry["name"] for entry in workspace] == ["ips-eval"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    # Dagster warns when the project's code location name differs from the workspace's
    # (issue 25: 24 such warnings in the terminal); none may remain
    log = proc.stdout.read().decode(errors="replace")
    assert "does not match the name" not in log, log[-2000:]
