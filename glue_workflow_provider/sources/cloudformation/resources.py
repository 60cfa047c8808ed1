"""Glue resources of a template -> the authored form (Glue API field names) of one workflow's parts.

``AWS::Glue::Workflow`` gives the ``Workflow`` header, ``AWS::Glue::Trigger`` a trigger, ``AWS::Glue::Job``
and ``AWS::Glue::Crawler`` a ``Jobs``/``Crawlers`` spec with CreateJob/CreateCrawler field names. Values are
typed as the Glue API wants them, as CloudFormation itself does (``true`` -> ``"true"`` in a string map,
``"5"`` -> ``5`` for a number); a name the workflow graph needs is never left out (see :mod:`.names`).
"""

from __future__ import annotations

from typing import Any

from glue_workflow_provider.sources.cloudformation.intrinsics import Resolver
from glue_workflow_provider.sources.cloudformation.values import NO_VALUE, Unresolved, as_text, settle

_WORKFLOW_FIELDS = ("Description", "DefaultRunProperties", "MaxConcurrentRuns", "Tags")
_TRIGGER_FIELDS = (
    "Type", "Description", "Schedule", "StartOnCreation", "Predicate", "Actions", "EventBatchingCondition", "Tags",
)
#: Fields that are maps of strings in the Glue API, and fields that are numbers or booleans.
_STRING_MAPS = {"DefaultRunProperties", "Tags", "Arguments", "DefaultArguments", "NonOverridableArguments"}
_INTEGERS = {
    "MaxConcurrentRuns", "Timeout", "BatchSize", "BatchWindow", "NotifyDelayAfter", "MaxRetries", "NumberOfWorkers",
    "AllocatedCapacity",
}
_FLOATS = {"MaxCapacity"}
_BOOLEANS = {"StartOnCreation"}
#: Trigger types CloudFormation creates not activated without StartOnCreation, and what the definition does then.
_ACTIVATED_BY_START = {
    "SCHEDULED": "the DAG is paused on creation",
    "CONDITIONAL": "glue-airflow still fires it and validate warns GWF027",
}
#: Where a trigger names the jobs and crawlers it starts and watches.
_NODE_LISTS = (("Actions", ("JobName", "CrawlerName")), ("Predicate.Conditions", ("JobName", "CrawlerName")))


class ResourceMapper:
    """Builds the authored form of a template's Glue resources, warning about what it cannot take over."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.template = resolver.template

    def workflow(self, logical_id: str) -> dict[str, Any]:
        """The ``Workflow`` header of an ``AWS::Glue::Workflow``."""
        header: dict[str, Any] = {"Name": self.resolver.names.physical_name(logical_id)}
        header.update(self._fields(logical_id, _WORKFLOW_FIELDS, "a Glue workflow"))
        return header

    def trigger(self, logical_id: str) -> dict[str, Any]:
        """One trigger of the ``Triggers`` list (without ``WorkflowName``: the definition is the workflow)."""
        properties = self.template.properties(logical_id)
        trigger: dict[str, Any] = {"Name": self.resolver.names.physical_name(logical_id)}
        resolved = {key: self.resolver.resolve(properties[key]) for key in _TRIGGER_FIELDS if key in properties}
        for path, keys in _NODE_LISTS:
            self._name_stand_ins(logical_id, resolved, path, keys)
        trigger.update(self._settled(logical_id, resolved))
        self._warn_unknown(logical_id, properties, (*_TRIGGER_FIELDS, "Name", "WorkflowName"), "a Glue trigger")
        self._default_start_on_creation(logical_id, trigger)
        return trigger

    def _default_start_on_creation(self, logical_id: str, trigger: dict[str, Any]) -> None:
        """Write CloudFormation's default ``StartOnCreation: false`` where the template leaves it out.

        ``AWS::Glue::Trigger`` creates a SCHEDULED or CONDITIONAL trigger not activated unless StartOnCreation is
        true, whereas a definition that says neither State nor StartOnCreation means "active"; the fact must be
        carried, not lost (docs/semantics.md, "StartOnCreation left out of a template").
        """
        kind = trigger.get("Type")
        if kind not in _ACTIVATED_BY_START or trigger.get("StartOnCreation") is not None:
            return
        trigger["StartOnCreation"] = False
        self.template.warn(
            self.template.place(logical_id, "Properties.StartOnCreation"),
            f"not set, and CloudFormation's default is false: Glue creates {kind} trigger '{trigger['Name']}' "
            f"not activated, so it does not fire until someone activates it (StartTrigger); written as "
            f"StartOnCreation: false ({_ACTIVATED_BY_START[kind]}). Set StartOnCreation: true in the template if "
            "it should fire from creation",
        )

    def workflow_of(self, logical_id: str) -> str | None:
        """The name of the workflow trigger ``logical_id`` belongs to (None when it names none)."""
        properties = self.template.properties(logical_id)
        if "WorkflowName" not in properties:
            return None
        value = self.resolver.resolve(properties["WorkflowName"])
        if value is NO_VALUE:
            return None
        return self._name(logical_id, "Properties.WorkflowName", value, "workflow name")

    def node_names(self, trigger: dict[str, Any]) -> set[str]:
        """The job and crawler names a converted trigger starts or watches."""
        names: set[str] = set()
        conditions = (trigger.get("Predicate") or {}).get("Conditions") or []
        for item in [*(trigger.get("Actions") or []), *conditions]:
            if isinstance(item, dict):
                names.update(str(item[key]) for key in ("JobName", "CrawlerName") if isinstance(item.get(key), str))
        return names

    def job(self, logical_id: str) -> dict[str, Any]:
        """The CreateJob spec of an ``AWS::Glue::Job`` (its CloudFormation properties are CreateJob's fields)."""
        return self._spec(logical_id)

    def crawler(self, logical_id: str) -> dict[str, Any]:
        """The CreateCrawler spec of an ``AWS::Glue::Crawler`` (its ``Schedule`` in CreateCrawler's string form)."""
        spec = self._spec(logical_id)
        if isinstance(spec.get("Schedule"), dict):
            spec["Schedule"] = spec["Schedule"].get("ScheduleExpression")
        return spec

    def _spec(self, logical_id: str) -> dict[str, Any]:
        properties = {k: v for k, v in self.template.properties(logical_id).items() if k != "Name"}
        spec: dict[str, Any] = {"Name": self.resolver.names.physical_name(logical_id)}
        spec.update(self._settled(logical_id, self.resolver.resolve(properties)))
        return spec

    def _fields(self, logical_id: str, fields: tuple[str, ...], what: str) -> dict[str, Any]:
        properties = self.template.properties(logical_id)
        resolved = {key: self.resolver.resolve(properties[key]) for key in fields if key in properties}
        self._warn_unknown(logical_id, properties, (*fields, "Name"), what)
        return self._settled(logical_id, resolved)

    def _settled(self, logical_id: str, resolved: dict[str, Any]) -> dict[str, Any]:
        place = self.template.place(logical_id, "Properties")
        settled = settle(resolved, place, self.template.warn)
        return _typed(settled) if isinstance(settled, dict) else {}

    def _warn_unknown(self, logical_id: str, properties: dict[str, Any], known: tuple[str, ...], what: str) -> None:
        for key in properties:
            if key not in known:
                self.template.warn(
                    self.template.place(logical_id, f"Properties.{key}"),
                    f"'{key}' is not a property of {what}; it is not taken over",
                )

    def _name_stand_ins(self, logical_id: str, resolved: dict[str, Any], path: str, keys: tuple[str, ...]) -> None:
        """Replace each unresolved job or crawler name by its stand-in (warned): the graph needs every name."""
        head, _, tail = path.partition(".")
        container = resolved.get(head)
        items = container.get(tail) if tail and isinstance(container, dict) else container
        for index, item in enumerate(items if isinstance(items, list) else []):
            for key in keys:
                if isinstance(item, dict) and isinstance(item.get(key), Unresolved):
                    place = f"Properties.{path}[{index}].{key}"
                    item[key] = self._name(logical_id, place, item[key], "name")

    def _name(self, logical_id: str, place: str, value: Any, what: str) -> str:
        text = as_text(value)
        if text:
            return text
        stand_in = value.stand_in if isinstance(value, Unresolved) and value.stand_in else logical_id
        why = value.why if isinstance(value, Unresolved) else f"{value!r} is not a name"
        self.template.warn(
            self.template.place(logical_id, place), f"could not resolve the {what} ({why}); '{stand_in}' is used"
        )
        return stand_in


def _typed(value: Any, key: str = "") -> Any:
    """Values typed as the Glue API has them (what CloudFormation does when it calls the API)."""
    if isinstance(value, dict):
        if key in _STRING_MAPS:
            return {k: as_text(v) if as_text(v) is not None else v for k, v in value.items()}
        return {k: _typed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(item, key) for item in value]
    if key in _INTEGERS and isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if key in _FLOATS and isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
        return float(value)
    if key in _BOOLEANS and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value
