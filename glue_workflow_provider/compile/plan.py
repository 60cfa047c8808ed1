"""DagPlan: the compiled DAG as plain, JSON-serialisable data (tasks, trigger rules, edges, schedule, and the
trigger table the running tasks decide with). It stands alone: building the DAG and running its tasks need
nothing else, so the plan cache keeps only plans, and workers never read or validate a definition.

Nothing here imports Airflow: the plan is what ``render --format json`` shows and what tests snapshot;
``dag_builder.build_dag`` is the only code that turns it into Airflow objects.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any

from glue_workflow_provider.compile.schedule import SchedulePlan
from glue_workflow_provider.model.workflow import STATE_CHANGE_POLL_SECONDS
from glue_workflow_provider.semantics.trigger_table import TriggerTable


class TaskKind(StrEnum):
    """What a task stands for."""

    JOB = "JOB"
    CRAWLER = "CRAWLER"
    TRIGGER_GATE = "TRIGGER_GATE"
    CONDITION_GATE = "CONDITION_GATE"
    OUTCOME = "OUTCOME"


OPERATORS: dict[TaskKind, str] = {
    TaskKind.JOB: "glue_workflow_provider.runtime.operators.job.GlueWorkflowJobOperator",
    TaskKind.CRAWLER: "glue_workflow_provider.runtime.operators.crawler.GlueWorkflowCrawlerOperator",
    TaskKind.TRIGGER_GATE: "glue_workflow_provider.runtime.operators.gate.GlueTriggerGateOperator",
    TaskKind.CONDITION_GATE: "glue_workflow_provider.runtime.operators.gate.GlueTriggerGateOperator",
    TaskKind.OUTCOME: "glue_workflow_provider.runtime.operators.gate.GlueWorkflowOutcomeOperator",
}


@dataclass(frozen=True, slots=True)
class Upstream:
    """An edge into a task, labelled with the Glue trigger(s) it stands for."""

    task_id: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class StartPlan:
    """One trigger that can start a node, with what its action passes to the run (docs/semantics.md#arguments)."""

    trigger: str
    arguments: dict[str, str] | None = None
    timeout: int | None = None
    security_configuration: str | None = None
    notify_delay_after: int | None = None


@dataclass(frozen=True, slots=True)
class TaskPlan:
    """One task of the DAG."""

    task_id: str
    display_name: str
    kind: TaskKind
    trigger_rule: str = "all_success"
    upstream: tuple[Upstream, ...] = ()
    glue_name: str | None = None
    glue_state: str | None = None
    starts: tuple[StartPlan, ...] = ()
    doc: str = ""
    #: The TaskGroup (one box per Glue node in the Graph) this task is drawn in: a node with gates and its
    #: gates share one; drawing only, task ids and trigger rules are the same with or without it.
    group: str | None = None

    @property
    def operator(self) -> str:
        """Dotted path of the operator class (resolved only when the DAG is built)."""
        return OPERATORS[self.kind]

    @property
    def is_node(self) -> bool:
        """Whether the task runs a Glue job or crawler."""
        return self.kind in (TaskKind.JOB, TaskKind.CRAWLER)


@dataclass(frozen=True)
class DagPlan:
    """The whole compiled DAG."""

    dag_id: str
    display_name: str
    workflow_name: str
    description: str | None
    schedule: SchedulePlan
    params: dict[str, str]
    max_active_runs: int | None
    is_paused_upon_creation: bool
    tags: tuple[str, ...]
    owner: str | None
    aws_conn_id: str
    region_name: str | None
    run_properties_uri: str | None
    deferrable: bool
    poll_interval: int
    task_args: dict[str, Any]
    tasks: tuple[TaskPlan, ...]
    #: Every trigger and node as plain data: what the running tasks decide with (no definition needed).
    triggers: TriggerTable
    doc_md: str = ""
    #: Job tasks copy their run's CloudWatch log lines into the task log (``Airflow.stream_logs``).
    stream_logs: bool = False
    #: Deferred waits wake on Glue's state-change events from this queue (``Airflow.state_change_queue_url``).
    state_change_queue_url: str | None = None
    state_change_poll_interval: int = STATE_CHANGE_POLL_SECONDS
    _index: dict[str, TaskPlan] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({task.task_id: task for task in self.tasks})

    def task(self, task_id: str) -> TaskPlan:
        """The task with ``task_id``."""
        return self._index[task_id]

    def groups(self) -> dict[str, str]:
        """Group id -> the Glue node it draws (the display name of its box)."""
        return {t.group: t.display_name for t in self.tasks if t.is_node and t.group}

    def node_task_ids(self) -> dict[str, str]:
        """Glue node name -> task id."""
        return {t.glue_name: t.task_id for t in self.tasks if t.is_node and t.glue_name}

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON-ready data (what ``dataclasses.asdict`` gives, without the task index)."""
        return typing.cast(dict[str, Any], _encode(self))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DagPlan:
        """The plan whose ``to_json()`` (after a JSON round trip) is ``data``: ``from_json(to_json()) == plan``.

        Lists become tuples and strings become enums again, following the dataclasses' own field types.

        :raises ValueError: ``data`` does not have the shape of a plan (unknown or missing keys, bad values).
        """
        try:
            plan = _decoder(typing.cast(Any, cls))(data)
        except (TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"not a DagPlan: {exc}") from exc
        return typing.cast(DagPlan, plan)


# -- to_json / from_json: as dataclasses.asdict, minus its deep copies; decoders built once per type -------


@functools.cache
def _public_fields(cls: type[Any]) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if not f.name.startswith("_"))


def _encode(value: Any) -> Any:
    """``dataclasses.asdict`` for plans: dataclasses become dicts (private fields left out), containers keep
    their type, and immutable leaves are shared rather than deep-copied."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _encode(getattr(value, name)) for name in _public_fields(type(value))}
    if isinstance(value, (list, tuple)):
        return type(value)(_encode(item) for item in value)
    if isinstance(value, dict):
        return type(value)((key, _encode(item)) for key, item in value.items())
    return value


def _identity(value: Any) -> Any:
    return value


@functools.cache
def _decoder(hint: Any) -> Callable[[Any], Any]:
    """A function turning JSON data back into a value of type ``hint`` (dataclass, enum, tuple, dict, union)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        inner = _decoder(options[0]) if len(options) == 1 else _identity
        return _identity if inner is _identity else lambda value: None if value is None else inner(value)
    if origin is tuple:
        item = _decoder(typing.get_args(hint)[0])
        return tuple if item is _identity else lambda value: tuple(map(item, value))
    if origin is dict:
        entry = _decoder(typing.get_args(hint)[1])
        return dict if entry is _identity else lambda value: {k: entry(v) for k, v in value.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    return _identity


def _dataclass_decoder(cls: type[Any]) -> Callable[[Any], Any]:
    """Only the fields whose type needs converting are touched; unknown or missing keys fail in ``cls(**...)``."""
    hints = typing.get_type_hints(cls)
    fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_")]
    special = [(name, convert) for name, convert in fields if convert is not _identity]

    def decode(value: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError(f"{cls.__name__}: expected a mapping, got {type(value).__name__}")
        if special:
            value = dict(value)
            for name, convert in special:
                if name in value:
                    value[name] = convert(value[name])
        return cls(**value)

    return decode
