"""TriggerTable: a workflow's triggers as plain data, all that deciding a run needs (rules 1-3 and 6 of
docs/semantics.md#the-rules).

It is built once from the validated model, travels inside the compiled plan (``DagPlan.triggers``, plain
JSON in the plan cache) and is what the simulator, the planner and the running DAG's tasks all decide with,
through the functions of ``predicates`` and ``progress``. A running task therefore needs no definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from glue_workflow_provider.model.states import SUCCEEDED
from glue_workflow_provider.model.trigger import Trigger
from glue_workflow_provider.model.workflow import Definition


@dataclass(frozen=True, slots=True)
class Watch:
    """One condition: "``node`` ended in ``state``" (the job's State or the crawler's CrawlState)."""

    node: str
    state: str


@dataclass(frozen=True, slots=True)
class TriggerRow:
    """One trigger: its name and type, how its conditions combine, what it watches and what it starts.

    :param logical: ``AND`` or ``ANY`` as Glue applies it (a missing ``Logical`` is AND, docs/semantics.md#watched-states).
    :param conditions: The predicate's conditions; empty for a start trigger, whose Predicate Glue ignores.
    :param deactivated: A DEACTIVATED (or DEACTIVATING) trigger never fires.
    """

    name: str
    type: str
    logical: str
    conditions: tuple[Watch, ...]
    starts: tuple[str, ...]
    deactivated: bool = False

    @property
    def is_start(self) -> bool:
        """ON_DEMAND, SCHEDULED and EVENT triggers start a run; only CONDITIONAL ones watch nodes."""
        return self.type != "CONDITIONAL"

    @property
    def watched(self) -> tuple[tuple[str, str], ...]:
        """Each distinct (node, state) pair, in the order the conditions list them."""
        return tuple(dict.fromkeys((c.node, c.state) for c in self.conditions))

    @classmethod
    def of(cls, trigger: Trigger) -> TriggerRow:
        """The row of a model trigger."""
        logical = trigger.predicate.effective_logical if trigger.predicate is not None else "AND"
        return cls(
            name=trigger.name,
            type=str(trigger.type),
            logical=str(logical),
            conditions=tuple(Watch(c.node_name, c.watched_state) for c in trigger.conditions),
            starts=tuple(dict.fromkeys(a.node_name for a in trigger.actions if a.node_name)),
            deactivated=trigger.is_deactivated,
        )


@dataclass(frozen=True)
class TriggerTable:
    """Every node (name -> ``JOB`` or ``CRAWLER``, in the order first started) and every trigger, in order."""

    nodes: dict[str, str]
    triggers: tuple[TriggerRow, ...]
    _starters: dict[str, tuple[TriggerRow, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starters: dict[str, list[TriggerRow]] = {}
        for row in self.triggers:
            for node in row.starts:
                starters.setdefault(node, []).append(row)
        self._starters.update({node: tuple(rows) for node, rows in starters.items()})

    @classmethod
    def of(cls, definition: Definition) -> TriggerTable:
        """The table of a validated definition."""
        nodes = {name: str(node_type) for name, node_type in definition.node_types().items()}
        return cls(nodes, tuple(TriggerRow.of(t) for t in definition.triggers))

    def starters(self, node: str) -> tuple[TriggerRow, ...]:
        """The triggers that start ``node``, in definition order."""
        return self._starters.get(node, ())

    def hands_on(self, node: str) -> bool:
        """Whether ``node`` ending SUCCEEDED decides nothing but what it starts.

        Every condition on ``node`` asks for SUCCEEDED, so its success makes no trigger dead (nothing to skip);
        and either the run certainly goes on after it (an active trigger watching it alone starts a node no
        other trigger starts), or the workflow handles no failure, so the run's end never has to skip the outcome
        task (docs/semantics.md#unhandled-failures). Whether it starts a successor is the scheduler's to decide
        (the gates); the run's summary is written when the DAG run ends (runtime/notes.py). Such a node's task
        may end in the triggerer (runtime/operators/end_in_trigger.py).
        """
        watching = [row for row in self.triggers if any(c.node == node for c in row.conditions)]
        if any(c.state != SUCCEEDED for row in watching for c in row.conditions if c.node == node):
            return False
        goes_on = any(
            not row.deactivated
            and row.watched == ((node, SUCCEEDED),)
            and any(self.starters(started) == (row,) for started in row.starts)
            for row in watching
        )
        return goes_on or not self.handles_failures

    @property
    def handles_failures(self) -> bool:
        """Whether some active trigger listens for an end state other than SUCCEEDED (rule 6's handled failure)."""
        return any(
            c.state != SUCCEEDED for row in self.triggers if not row.is_start and not row.deactivated for c in row.conditions
        )

    @property
    def start_triggers(self) -> tuple[TriggerRow, ...]:
        """The ON_DEMAND, SCHEDULED and EVENT triggers."""
        return tuple(row for row in self.triggers if row.is_start)
