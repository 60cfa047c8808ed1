"""Glue triggers: ``Trigger``, ``Predicate``, ``Condition``, ``Action`` and their enums (Glue API shapes,
docs/semantics.md#triggers)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr

from glue_workflow_provider.model.base import GlueShape, NameString, StringMap
from glue_workflow_provider.model.states import CrawlState, JobRunState, NodeType


class TriggerType(StrEnum):
    """Glue API ``TriggerType``."""

    SCHEDULED = "SCHEDULED"
    CONDITIONAL = "CONDITIONAL"
    ON_DEMAND = "ON_DEMAND"
    EVENT = "EVENT"


class TriggerState(StrEnum):
    """Glue API ``TriggerState``."""

    CREATING = "CREATING"
    CREATED = "CREATED"
    ACTIVATING = "ACTIVATING"
    ACTIVATED = "ACTIVATED"
    DEACTIVATING = "DEACTIVATING"
    DEACTIVATED = "DEACTIVATED"
    DELETING = "DELETING"
    UPDATING = "UPDATING"


class Logical(StrEnum):
    """Glue API ``Logical``: how a predicate combines its conditions."""

    AND = "AND"
    ANY = "ANY"


class Condition(GlueShape):
    """Glue API ``Condition``: one (job or crawler, state) pair a conditional trigger listens for."""

    logical_operator: Literal["EQUALS"] = "EQUALS"
    job_name: NameString | None = None
    state: JobRunState | None = None
    crawler_name: NameString | None = None
    crawl_state: CrawlState | None = None

    @property
    def node_name(self) -> str:
        """The watched job or crawler name (the job when both are given; validation reports that)."""
        return self.job_name or self.crawler_name or ""

    @property
    def node_type(self) -> NodeType:
        """Whether the condition watches a job or a crawler."""
        return NodeType.JOB if self.job_name else NodeType.CRAWLER

    @property
    def watched_state(self) -> str:
        """The state listened for, as a plain string (``State`` for a job, ``CrawlState`` for a crawler)."""
        value = self.state if self.node_type is NodeType.JOB else self.crawl_state
        return str(value) if value is not None else ""


class Predicate(GlueShape):
    """Glue API ``Predicate``: the conditions of a conditional trigger and how they combine."""

    logical: Logical | None = None
    conditions: Annotated[tuple[Condition, ...], Field(max_length=500)] = ()

    @property
    def effective_logical(self) -> Logical:
        """A missing ``Logical`` means AND (docs/semantics.md#watched-states)."""
        return self.logical or Logical.AND


class NotificationProperty(GlueShape):
    """Glue API ``NotificationProperty``."""

    notify_delay_after: Annotated[StrictInt, Field(ge=1)] | None = None


class Action(GlueShape):
    """Glue API ``Action``: one job or crawler a trigger starts, with the job run's arguments and timeout."""

    job_name: NameString | None = None
    crawler_name: NameString | None = None
    arguments: StringMap | None = None
    timeout: Annotated[StrictInt, Field(ge=1, le=10080)] | None = None
    security_configuration: StrictStr | None = None
    notification_property: NotificationProperty | None = None

    @property
    def node_name(self) -> str:
        """The started job or crawler name."""
        return self.job_name or self.crawler_name or ""

    @property
    def node_type(self) -> NodeType:
        """Whether the action starts a job or a crawler."""
        return NodeType.JOB if self.job_name else NodeType.CRAWLER


class EventBatchingCondition(GlueShape):
    """Glue API ``EventBatchingCondition``: how many EventBridge events, or how long, before a run starts."""

    batch_size: Annotated[StrictInt, Field(ge=1, le=100)]
    batch_window: Annotated[StrictInt, Field(ge=1, le=900)] | None = None


class Trigger(GlueShape):
    """Glue API ``Trigger`` (and ``CreateTriggerRequest``): what starts which jobs and crawlers, and when."""

    name: NameString
    type: TriggerType
    workflow_name: NameString | None = None
    id: StrictStr | None = None
    state: TriggerState | None = None
    description: Annotated[StrictStr, Field(max_length=2048)] | None = None
    schedule: StrictStr | None = None
    actions: tuple[Action, ...] = ()
    predicate: Predicate | None = None
    event_batching_condition: EventBatchingCondition | None = None
    start_on_creation: StrictBool | None = None
    tags: StringMap | None = None

    @property
    def is_start(self) -> bool:
        """A start trigger is any trigger that is not CONDITIONAL (ON_DEMAND, SCHEDULED or EVENT)."""
        return self.type is not TriggerType.CONDITIONAL

    @property
    def is_deactivated(self) -> bool:
        """Whether the trigger was deactivated (a deactivated trigger never fires)."""
        return self.state in (TriggerState.DEACTIVATED, TriggerState.DEACTIVATING)

    @property
    def is_activated(self) -> bool:
        """Whether Glue would have this trigger active (docs/semantics.md#triggers, docs/semantics.md#start-triggers).

        ON_DEMAND triggers are always usable; others must be ACTIVATED or created with StartOnCreation.
        A hand-written definition that says neither State nor StartOnCreation means "active".
        """
        if self.is_deactivated:
            return False
        if self.type is TriggerType.ON_DEMAND or self.state is TriggerState.ACTIVATED:
            return True
        if self.start_on_creation is not None:
            return self.start_on_creation
        return self.state is None

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The predicate's conditions (empty for start triggers, whose Predicate Glue ignores)."""
        if self.predicate is None or self.is_start:
            return ()
        return self.predicate.conditions
