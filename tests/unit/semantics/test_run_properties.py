"""The run's final run properties: any recorded snapshot plus every recorded put, replayed in order (docs/semantics.md#run-properties)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from glue_workflow_provider.semantics.run_properties import Put, apply_puts, final_properties, recorded_put

START = {"region": "eu", "mode": "full"}


def test_a_put_made_after_the_last_nodes_snapshot_is_in_the_final_properties() -> None:
    """The dist-d28 race: d28-alert read the puts at 20:25:04.3 and ended last; d28-any put at 20:25:06.4."""
    alert = ("2026-12-01T20:25:04.1", "d28-alert", {"alerted": "yes"})
    any_ = ("2026-12-01T20:25:06.4", "d28-any", {"mode": "delta", "any": "1"})
    snapshot_of_alert = apply_puts(START, [alert])  # what d28-alert recorded as run_properties_after
    final = final_properties(snapshot_of_alert, [any_, alert])
    assert final == {"region": "eu", "mode": "delta", "alerted": "yes", "any": "1"}


def test_the_later_put_of_a_key_wins_whatever_order_the_puts_are_read_in() -> None:
    first = ("2026-12-01T10:00:01", "a", {"k": "first"})
    second = ("2026-12-01T10:00:02", "b", {"k": "second"})
    assert final_properties(START, [second, first])["k"] == "second"
    assert final_properties(apply_puts(START, [first, second]), [second, first])["k"] == "second"


def test_recorded_put_reads_the_xcom_shapes_the_runtime_writes() -> None:
    value = {"ended_at": "2026-12-01T10:00:01", "values": {"k": "v"}}
    assert recorded_put("t", value) == ("2026-12-01T10:00:01", "t", {"k": "v"})
    assert recorded_put("t", [value]) == ("2026-12-01T10:00:01", "t", {"k": "v"})  # a mapped/list pull
    assert recorded_put("t", None) is None
    assert recorded_put("t", {"ended_at": "x"}) is None


keys = st.sampled_from(["region", "mode", "a", "b"])
puts = st.lists(
    st.tuples(st.integers(0, 50), st.dictionaries(keys, st.sampled_from(["1", "2", "3"]), max_size=3)),
    max_size=8,
)


@given(puts, st.data())
def test_the_final_properties_do_not_depend_on_which_snapshot_is_taken(
    raw: list[tuple[int, dict[str, str]]], data: st.DataObject
) -> None:
    recorded: list[Put] = [(f"2026-12-01T10:00:{t:02d}", f"task{i}", values) for i, (t, values) in enumerate(raw)]
    ordered = sorted(recorded)
    truth = dict(START)
    for _, _, values in ordered:
        truth.update(values)
    # the snapshot's task read any of the puts: a put's time is taken before it is committed
    seen = data.draw(st.sets(st.integers(0, len(ordered) - 1))) if ordered else set()
    snapshot = apply_puts(START, [ordered[i] for i in seen])
    assert final_properties(snapshot, list(reversed(recorded))) == truth
