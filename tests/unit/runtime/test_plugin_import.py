"""The plugin costs a task process little: every task process imports it (for its listeners), while only the API
server mounts the workflow view, so importing the plugin neither imports the view's app module nor builds the
app (whether FastAPI itself is imported depends on the Airflow: 3.0's plugins manager imports it)."""

from __future__ import annotations

import json
import subprocess
import sys


def test_importing_the_plugin_builds_no_app_until_the_api_server_reads_it() -> None:
    script = (
        "import json, sys\n"
        "import airflow.plugins_manager\n"
        "from glue_workflow_provider.runtime.plugin import GlueWorkflowPlugin\n"
        "before = 'glue_workflow_provider.runtime.workflow_view.app' in sys.modules\n"
        "apps = GlueWorkflowPlugin.fastapi_apps\n"
        "print(json.dumps({'before': before, 'prefix': apps[0]['url_prefix'], 'app': type(apps[0]['app']).__name__,"
        " 'same': GlueWorkflowPlugin().fastapi_apps is apps}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"before": False, "prefix": "/glue-workflow", "app": "FastAPI", "same": True}
