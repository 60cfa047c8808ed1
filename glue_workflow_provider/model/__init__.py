"""The typed, immutable description of a Glue workflow, in Glue's own vocabulary (no Airflow here)."""
