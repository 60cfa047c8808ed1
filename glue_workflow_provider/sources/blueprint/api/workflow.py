"""``awsglue.blueprint.workflow``: ``Workflow`` and ``Entities``, and how ``DependsOn``
becomes triggers.

``Workflow.to_json(name_suffix)`` behaves as the library's (docs/semantics.md#how-dependson-becomes-triggers):
every job and crawler is renamed ``{Name}_{name_suffix}``; each entity with
``DependsOn`` gets its own CONDITIONAL trigger ``{workflow}_{entity}_trigger``
(``StartOnCreation`` true, one condition per dependency, ``Logical`` only when
``WaitForDependencies`` was given); every other entity is an action of
``{workflow}_starting_trigger``, which is EVENT, ON_DEMAND or SCHEDULED as
``OnSchedule`` says. Crawler triggers come first, then job triggers, then the starting
trigger.
"""

from __future__ import annotations

from typing import Any

from glue_workflow_provider.sources.blueprint.api.base_resource import BaseResource
from glue_workflow_provider.sources.blueprint.api.crawler import Crawler
from glue_workflow_provider.sources.blueprint.api.job import Job

__all__ = ["BaseResource", "Crawler", "Entities", "Job", "Workflow"]


class Entities:
    """The jobs and crawlers of a workflow (the library reads ``Crawlers`` and ``Jobs``
    and nothing else)."""

    def __init__(self, **kwargs: Any) -> None:
        self.Crawlers = kwargs.get("Crawlers")
        self.Jobs = kwargs.get("Jobs")

    def validate(self) -> bool:
        """Validate every entity. As in the library, ``Jobs`` must be a list
        (``Entities(Crawlers=[...])`` alone fails with "'NoneType' object is not
        iterable")."""
        crawlers_valid = (
            all(crawler.validate() for crawler in self.Crawlers)
            if self.Crawlers
            else True
        )
        jobs_valid = all(job.validate() for job in self.Jobs)  # type: ignore[union-attr]
        return crawlers_valid and jobs_valid

    def to_json(
        self,
        workflow_name: str,
        starting_trigger_schedule: str | None,
        name_suffix: str,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """The crawlers, jobs (renamed with the suffix) and the triggers their
        dependencies make."""
        crawlers = [
            _renamed(crawler.to_json(), name_suffix) for crawler in self.Crawlers or ()
        ]
        jobs = [_renamed(job.to_json(), name_suffix) for job in self.Jobs or ()]
        triggers = self._extract_triggers(
            crawlers, jobs, workflow_name, starting_trigger_schedule, name_suffix
        )
        return crawlers, jobs, triggers

    def _extract_triggers(
        self,
        crawlers: list[dict[str, Any]],
        jobs: list[dict[str, Any]],
        workflow_name: str,
        starting_trigger_schedule: str | None,
        name_suffix: str,
    ) -> list[dict[str, Any]]:
        """One CONDITIONAL trigger per entity with ``DependsOn``; the others start on
        the starting trigger."""
        starting = _starting_trigger(workflow_name, starting_trigger_schedule)
        triggers: list[dict[str, Any]] = []
        for entities, key in ((crawlers, "CrawlerName"), (jobs, "JobName")):
            for entity in entities:
                if "DependsOn" in entity:
                    triggers.append(
                        _conditional_trigger(entity, key, workflow_name, name_suffix)
                    )
                else:
                    starting["Actions"].append({key: entity["Name"]})
        triggers.append(starting)
        return triggers


def _renamed(entity: dict[str, Any], name_suffix: str) -> dict[str, Any]:
    entity["Name"] = f"{entity['Name']}_{name_suffix}"
    return entity


def _starting_trigger(workflow_name: str, schedule: str | None) -> dict[str, Any]:
    trigger: dict[str, Any] = {
        "WorkflowName": workflow_name,
        "Name": f"{workflow_name}_starting_trigger",
        "Actions": [],
    }
    if schedule == "EVENT":
        trigger.update(Type="EVENT", EventBatchingCondition={"BatchSize": 1})
    elif schedule == "ON_DEMAND" or not schedule:
        trigger["Type"] = "ON_DEMAND"
    else:
        trigger.update(Type="SCHEDULED", Schedule=schedule, StartOnCreation=True)
    return trigger


def _conditional_trigger(
    entity: dict[str, Any], key: str, workflow_name: str, name_suffix: str
) -> dict[str, Any]:
    conditions = [
        _condition(dependency, state, name_suffix)
        for dependency, state in entity.pop("DependsOn").items()
    ]
    trigger: dict[str, Any] = {
        "WorkflowName": workflow_name,
        "Type": "CONDITIONAL",
        "Name": f"{workflow_name}_{entity['Name']}_trigger",
        "Predicate": {"Conditions": conditions},
        "StartOnCreation": True,
        "Actions": [{key: entity["Name"]}],
    }
    if "WaitForDependencies" in entity:
        trigger["Predicate"]["Logical"] = entity.pop("WaitForDependencies")
    return trigger


def _condition(dependency: object, state: Any, name_suffix: str) -> dict[str, Any]:
    if isinstance(dependency, Crawler):
        return {
            "LogicalOperator": "EQUALS",
            "CrawlerName": f"{dependency.Name}_{name_suffix}",
            "CrawlState": state,
        }
    if isinstance(dependency, Job):
        return {
            "LogicalOperator": "EQUALS",
            "JobName": f"{dependency.Name}_{name_suffix}",
            "State": state,
        }
    raise TypeError(
        f"Dependencies must be of type Job or Crawler, but found {type(dependency)} "
        "instead"
    )


class Workflow(BaseResource):
    """The workflow a layout returns: its header fields, ``OnSchedule`` and
    ``Entities``."""

    _kind = "Workflow"
    _validator = {
        "Name": (str, True),
        "Description": (str, False),
        "DefaultRunProperties": (dict, False),
        "Tags": (dict, False),
        "OnSchedule": (str, False),
        "Entities": (Entities, True),
    }

    def _getMissingFields(self) -> list[str]:  # noqa: N802 - the library's name
        return [
            field
            for field, (_, required) in self._validator.items()
            if required and self.__dict__.get(field) is None
        ]

    def validate(self) -> bool:
        """Required fields first, then every entity (the first problem raises)."""
        super().validate()
        return bool(self.__dict__["Entities"].validate())

    def to_json(self, name_suffix: str = "") -> dict[str, Any]:
        """``{'Workflow': header, 'Crawlers': [...], 'Jobs': [...], 'Triggers': [...]}``
        as the library makes it."""
        self.validate()
        header = {
            key: value
            for key, value in self.__dict__.items()
            if key in self._validator and key not in ("Entities", "OnSchedule")
        }
        crawlers, jobs, triggers = self.__dict__["Entities"].to_json(
            self.__dict__["Name"], self.__dict__.get("OnSchedule") or "", name_suffix
        )
        return {
            "Workflow": header,
            "Crawlers": crawlers,
            "Jobs": jobs,
            "Triggers": triggers,
        }
