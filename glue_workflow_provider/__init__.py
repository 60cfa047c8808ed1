"""Run AWS Glue workflows as Apache Airflow DAGs, exactly as Glue would."""

__version__ = "0.1.0"
