"""One rule for run property keys and values (model/run_properties.py); the job-side file's copy agrees with it.

The job-side module runs inside Glue jobs, where the package is not installed, so it cannot import the rule;
this test is what keeps its copy from drifting.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glue_workflow_provider.jobside import glue_airflow_run_properties as jobside
from glue_workflow_provider.model.run_properties import MAX_KEY_LENGTH, key_problem, value_problem
from glue_workflow_provider.runtime.exceptions import GlueRunPropertiesError
from glue_workflow_provider.runtime.run_properties import check_properties

KEYS = st.one_of(st.text(max_size=300), st.integers(), st.none(), st.binary(max_size=4))
VALUES = st.one_of(st.text(max_size=5), st.integers(), st.none(), st.booleans())


def _jobside_accepts(key: object, value: object) -> bool:
    try:
        jobside._check({key: value})  # type: ignore[dict-item]
    except ValueError:
        return False
    return True


def _runtime_accepts(key: object, value: object) -> bool:
    try:
        check_properties({key: value}, "test")
    except GlueRunPropertiesError:
        return False
    return True


@given(KEYS, VALUES)
def test_the_job_side_copy_and_the_runtime_follow_the_models_rule(key: object, value: object) -> None:
    allowed = key_problem(key) is None and value_problem(value) is None
    assert _jobside_accepts(key, value) is allowed
    assert _runtime_accepts(key, value) is allowed


@pytest.mark.parametrize(("key", "allowed"), [("", False), ("k", True), ("k" * MAX_KEY_LENGTH, True), ("k" * 256, False)])
def test_key_length_bounds(key: str, allowed: bool) -> None:
    assert (key_problem(key) is None) is allowed
    assert jobside.MAX_KEY_LENGTH == MAX_KEY_LENGTH
