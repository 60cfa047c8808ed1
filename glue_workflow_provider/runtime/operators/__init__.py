"""Operators: Glue jobs and crawlers run by name, and the gates the scheduler resolves without a worker."""
