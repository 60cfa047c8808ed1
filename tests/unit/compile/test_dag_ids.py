"""The two facts a worker's parse rests on (loader._load_one): which dag_id a file ends with does not depend on
its validity, only on the id it claims; and ``certain_dag_id``, read without validating, is that claim
exactly as the full check would make it (or None where only validation can tell)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glue_workflow_provider.compile.checking import claimed_dag_id, entry_of
from glue_workflow_provider.compile.dag_ids import Claim, assign_dag_ids, certain_dag_id, fallback_id
from glue_workflow_provider.sources.definition_file import load_text
from tests.fuzz.test_fuzz_definitions import SEEDS, mutated_documents

FLOW = Path("flow.yaml")
_ids = st.sampled_from(["a", "b", "c", "Month_close", fallback_id("f1.yaml"), fallback_id("f2.yaml")])


@st.composite
def claim_lists(draw: st.DrawFn) -> list[tuple[Claim, bool]]:
    """Claims in scan order, each with whether its validity may be flipped (its dag_id is its intended id)."""
    claims = []
    for index in range(draw(st.integers(0, 8))):
        shown = f"f{index}.yaml"
        intended = draw(st.one_of(st.none(), _ids))
        valid = intended is not None and draw(st.booleans())
        claims.append((Claim(shown, intended if valid else None, intended), intended is not None))
    return claims


@given(claim_lists(), st.data())
def test_the_dag_id_a_file_gets_does_not_depend_on_its_validity(claims: list[tuple[Claim, bool]], data: Any) -> None:
    first = assign_dag_ids(claim for claim, _ in claims)
    flipped = []
    for claim, flippable in claims:
        if flippable and data.draw(st.booleans()):
            claim = Claim(claim.shown, None if claim.dag_id else claim.intended_dag_id, claim.intended_dag_id)
        flipped.append(claim)
    assert assign_dag_ids(flipped).dag_ids == first.dag_ids


_NAMES = st.sampled_from(["Month close", "a.b", "x/y", "_lead_", "名前", "", "ok-name", None, 5])
_DAG_IDS = st.sampled_from(["<absent>", None, "", "a.b", "ok_id", "_lead", "bad id!", "é", 5, "Month_close"])


@st.composite
def id_documents(draw: st.DrawFn) -> Any:
    """A seed definition (or a mutated one) with the fields a dag_id comes from varied."""
    document = draw(st.one_of(st.sampled_from(SEEDS).map(copy.deepcopy), mutated_documents()))
    if not isinstance(document, dict) or not isinstance(document.get("Workflow"), dict):
        return document
    name = draw(_NAMES)
    if name is not None or draw(st.booleans()):
        document["Workflow"]["Name"] = name
    if draw(st.integers(0, 9)) == 0:
        document["Workflow"]["name"] = "snake"
    dag_id = draw(_DAG_IDS)
    if dag_id != "<absent>":
        settings_section = document.get("Airflow") if isinstance(document.get("Airflow"), dict) else {}
        document["Airflow"] = {**settings_section, "dag_id": dag_id}
    return document


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(id_documents())
def test_the_id_read_without_validating_is_the_one_the_full_check_gives(document: Any) -> None:
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    claimed = claimed_dag_id(text.encode(), FLOW)
    if claimed is None:
        return  # the worker checks such a file in full
    entry = entry_of(load_text(text, "flow.yaml"))
    assert (entry.plan.dag_id if entry.plan is not None else entry.intended_dag_id) == claimed


def test_the_examples_claim_their_ids_and_doubtful_ones_are_left_to_validation() -> None:
    for document in SEEDS:
        text = yaml.safe_dump(document, sort_keys=False)
        entry = entry_of(load_text(text, "flow.yaml"))
        assert entry.plan is not None and claimed_dag_id(text.encode(), FLOW) == entry.plan.dag_id
    seed = copy.deepcopy(SEEDS[0])
    assert certain_dag_id({**seed, "Airflow": {"dag_id": "a.b"}}) is None  # valid as a.b, a placeholder as a_b
    assert certain_dag_id({**seed, "Workflow": {**seed["Workflow"], "name": "x"}}) is None
    assert certain_dag_id({"Workflow": {}}) is None and certain_dag_id([1]) is None
    assert certain_dag_id({**seed, "Airflow": {"dag_id": "ok_id"}}) == "ok_id"
    assert claimed_dag_id(b"Workflow: {", FLOW) is None and claimed_dag_id(b"\xff", FLOW) is None
