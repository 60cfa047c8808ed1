"""The ``glue-airflow`` command line: argument parsing and printing only."""
