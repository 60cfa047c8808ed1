"""The DAG file that loads a folder of definitions: one template, written wherever a loader file is needed.

``dags/glue_workflows.py`` in the repository, the demo's and local runs' Airflow homes, and the test suites'
homes are all this text (a test keeps the repository's copy equal to it).
"""

from __future__ import annotations

from pathlib import Path

LOADER_FILE_NAME = "glue_workflows.py"
#: The loader DAG file, as shipped in ``dags/glue_workflows.py``.
LOADER_FILE_SOURCE = '''"""Airflow DAG loader: one DAG per AWS Glue workflow definition (*.json, *.yaml, *.yml) under ./workflows.

Copy this file into any Airflow dags folder, next to a ``workflows/`` folder of definitions. It never calls
AWS while the dag processor parses it. A broken definition becomes a paused placeholder DAG, tagged
``invalid-definition``, that lists its problems; every other definition keeps loading.
"""

from pathlib import Path

from glue_workflow_provider.api import load_dags

load_dags(globals(), Path(__file__).parent / "workflows")
'''


def write_loader_file(dags_folder: Path) -> Path:
    """Write the loader file into ``dags_folder`` (created if missing); returns its path."""
    dags_folder.mkdir(parents=True, exist_ok=True)
    path = dags_folder / LOADER_FILE_NAME
    path.write_text(LOADER_FILE_SOURCE, encoding="utf-8")
    return path
