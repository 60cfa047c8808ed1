"""Compile a workflow model into an Airflow DAG: a pure plan first, then the DAG built from it."""
