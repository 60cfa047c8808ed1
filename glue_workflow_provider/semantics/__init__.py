"""The reference semantics of a Glue workflow run: pure functions, the oracle every compiled DAG is tested against."""
