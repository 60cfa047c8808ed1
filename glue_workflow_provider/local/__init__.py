"""Local runs: the embedded Glue endpoint and real Airflow runs of a definition on this machine."""
