"""``awsglue.blueprint.job``: ``Job(**kwargs)``, a Glue job a layout creates
(docs/semantics.md#the-blueprint-librarys-classes)."""

from __future__ import annotations

from typing import Any

from glue_workflow_provider.sources.blueprint.api.base_resource import (
    TruthyResource,
    check_choice,
)

__all__ = ["Job"]

COMMAND_NAMES = ("glueetl", "pythonshell", "gluestreaming")
WORKER_TYPES = ("Standard", "G.1X", "G.2X")


class Job(TruthyResource):
    """A CreateJob request plus ``DependsOn`` / ``WaitForDependencies``, with the
    library's exact quirks."""

    _kind = "Job"
    _validator = {
        "Name": (str, True),
        "Description": (str, False),
        "LogUri": (str, False),
        "Role": (str, True),
        "ExecutionProperty": (dict, False),
        "Command": (dict, True),
        "DefaultArguments": (dict, False),
        "NonOverridableArguments": (dict, False),
        "Connections": (dict, False),
        "MaxRetries": (int, False),
        "AllocatedCapacity": (int, False),
        "Timeout": (int, False),
        "MaxCapacity": (float, False),
        "SecurityConfiguration": (str, False),
        "Tags": (dict, False),
        "NotificationProperty": (dict, False),
        "GlueVersion": (str, False),
        "NumberOfWorkers": (int, False),
        "WorkerType": (str, False),
        "DependsOn": (dict, False),
        "WaitForDependencies": (str, False),
    }

    def _take(self, kwargs: dict[str, Any]) -> None:
        """As the library: ``Description`` is read from the lower-case key
        ``description``."""
        if kwargs.get("Description") and not kwargs.get("description"):
            self._dropped.append(
                (
                    "Description",
                    "is dropped: the library reads the lower-case key 'description'",
                )
            )
        known = {key: value for key, value in kwargs.items() if key != "description"}
        super()._take({**known, "Description": kwargs.get("description")})

    def validate(self) -> bool:
        """The library's checks: required fields, types, ``Command``,
        ``ExecutionProperty``, ``WorkerType``."""
        super().validate()
        command = self.__dict__["Command"]
        for field in ("Name", "ScriptLocation"):
            if field not in command:
                raise TypeError(
                    f"Job {self.__dict__['Name']!r}: Command.{field} is required"
                )
        check_choice(
            "Job", self.__dict__["Name"], "Command.Name", command["Name"], COMMAND_NAMES
        )
        execution = self.__dict__.get("ExecutionProperty") or {}
        if "MaxConcurrentRuns" in execution and not isinstance(
            execution["MaxConcurrentRuns"], int
        ):
            raise TypeError(
                f"Job {self.__dict__['Name']!r}: ExecutionProperty.MaxConcurrentRuns "
                "must be an int"
            )
        if "WorkerType" in self.__dict__:
            check_choice(
                "Job",
                self.__dict__["Name"],
                "WorkerType",
                self.__dict__["WorkerType"],
                WORKER_TYPES,
            )
        return True
