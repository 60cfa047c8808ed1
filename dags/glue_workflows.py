"""Airflow DAG loader: one DAG per AWS Glue workflow definition (*.json, *.yaml, *.yml) under ./workflows.

Copy this file into any Airflow dags folder, next to a ``workflows/`` folder of definitions. It never calls
AWS while the dag processor parses it. A broken definition becomes a paused placeholder DAG, tagged
``invalid-definition``, that lists its problems; every other definition keeps loading.
"""

from pathlib import Path

from glue_workflow_provider.api import load_dags

load_dags(globals(), Path(__file__).parent / "workflows")
