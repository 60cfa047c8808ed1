"""Code that runs inside Glue jobs, not in Airflow: ``glue_airflow_run_properties.py`` is a standalone file
to ship to jobs with ``--extra-py-files`` (its path is MODULE_PATH)."""

from pathlib import Path

MODULE_PATH = Path(__file__).with_name("glue_airflow_run_properties.py")
