"""Glue blueprints (a ``blueprint.cfg`` plus a layout module) read, checked and run into
a workflow definition.

``package`` reads a blueprint folder or zip; ``parameters`` checks values against
``parameterSpec``; ``api`` is an ``awsglue.blueprint``-compatible library; ``runner`` is
the child process that runs the layout unmodified; ``execution`` starts that child;
``authored`` turns the library's ``Workflow.to_json()`` into a definition.
"""
