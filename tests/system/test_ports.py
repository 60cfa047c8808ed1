"""Two stacks side by side: no component of a running Airflow the tests start listens on a fixed port.

Airflow's scheduler and triggerer would serve logs on 8793/8794 on every interface; the demo's components skip
that and one log server per home serves them on a loopback port chosen free, so a second stack (another test
session, a demo) never finds its ports taken. This reads the commands a ``Demo`` starts (no stack needed).
"""

from __future__ import annotations

from pathlib import Path

from glue_workflow_provider.local.demo import Demo
from glue_workflow_provider.local.ports import LOOPBACK, free_port


def test_every_listening_component_binds_loopback_on_a_port_chosen_free(tmp_path: Path) -> None:
    demo = Demo(tmp_path / "dags", tmp_path / "home", port=free_port(), log_port=free_port())
    commands = {component.name: component.command for component in demo._components({})}
    assert "--skip-serve-logs" in commands["scheduler"]
    assert "--skip-serve-logs" in commands["triggerer"]
    api = commands["api-server"]
    assert api[api.index("--host") + 1] == LOOPBACK and api[api.index("--port") + 1] == str(demo.port)
    server = commands["log-server"]
    assert server[server.index("--host") + 1] == LOOPBACK
    assert int(server[server.index("--port") + 1]) == demo.log_port
