"""The Airflow UI with Airflow driving (issue 11): one run of the shipped ``data_vault_load`` in which
load-hubs ends TIMEOUT (forced at the local Glue endpoint) and the hubs-failed trigger runs the clean-up,
seen through the REST API and in headless Chromium: Airflow's Graph of the run, and the provider's Glue
workflow view (its plugin page) on the run's tab. Screenshots are saved under tests/system/artifacts/.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.system.operating import Stack
from tests.system.ui_support import ARTIFACTS, DAG_ID, UiStack, chromium, eventually, log_in, screenshot, start_ui_stack

pytestmark = [pytest.mark.airflow, pytest.mark.endpoint, pytest.mark.slow]

GLUE_NODES = {"extract-landing", "load-hubs", "load-links", "load-satellites", "publish-marts", "clean-up-job"}
EXPECTED = {"extract-landing": "SUCCEEDED", "load-hubs": "TIMEOUT", "clean-up-job": "SUCCEEDED",
            "load-links": "NEVER RAN", "load-satellites": "NEVER RAN", "publish-marts": "NEVER RAN"}
TRIGGERS = {"start-load", "landing-succeeded", "hubs-succeeded", "links-and-satellites-succeeded",
            "landing-failed", "hubs-failed", "links-or-satellites-failed", "publish-failed"}
VIEW = "/glue-workflow"


@pytest.fixture(scope="module")
def stack(airflow_stack: Stack) -> UiStack:
    return start_ui_stack(airflow_stack)


@pytest.fixture(scope="module")
def browser(stack: UiStack) -> Iterator[Any]:
    """One headless Chromium for the module, signed in once through Airflow's login page."""
    with chromium(1600, 1100) as driver:
        log_in(driver, stack.base_url, "admin", "admin")
        yield driver


def _get(stack: UiStack, path: str, token: str | None) -> tuple[int, str]:
    request = urllib.request.Request(stack.base_url + path)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_run_ended_as_glue_would_end_it(stack: UiStack) -> None:
    run = stack.demo.request("GET", f"/api/v2{stack.run_path().replace('/runs/', '/dagRuns/')}")
    assert run["state"] == "success"  # the TIMEOUT was handled by hubs-failed (rule 6)


def test_the_plugin_is_registered_with_views_on_the_nav_the_dag_and_the_run(stack: UiStack) -> None:
    plugins = stack.demo.request("GET", "/api/v2/plugins")["plugins"]
    (ours,) = [p for p in plugins if p["name"] == "glue_workflow"]
    views = {view["destination"]: view["href"] for view in ours["external_views"]}
    assert views == {"nav": "glue-workflow/", "dag": "glue-workflow/dags/{DAG_ID}",
                     "dag_run": "glue-workflow/dags/{DAG_ID}/runs/{RUN_ID}"}
    assert [app["url_prefix"] for app in ours["fastapi_apps"]] == [VIEW]


def test_the_view_endpoints_answer_a_signed_in_user(stack: UiStack) -> None:
    token = stack.demo.token
    status, body = _get(stack, f"{VIEW}/api{stack.run_path()}", token)
    assert status == 200
    view: dict[str, Any] = json.loads(body)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "glue-workflow-view-run.json").write_text(json.dumps(view, indent=2))
    print(f"view JSON: {ARTIFACTS / 'glue-workflow-view-run.json'}")
    assert {name: node["shown_state"] for name, node in view["nodes"].items()} == EXPECTED
    assert view["outcome"] == "SUCCEEDED" and "load-hubs ended TIMEOUT" in view["reason"]
    assert view["nodes"]["clean-up-job"]["started_by"] == "hubs-failed"
    assert view["nodes"]["load-hubs"]["start"] and view["nodes"]["load-hubs"]["duration"] is not None
    assert view["nodes"]["extract-landing"]["run_properties"] == {"load_date": "today"}
    assert {"start-load", "landing-succeeded", "hubs-failed"} <= set(view["fired_triggers"])
    for path in (f"{VIEW}/", f"{VIEW}/dags/{DAG_ID}", f"{VIEW}{stack.run_path()}", f"{VIEW}/api/dags/{DAG_ID}"):
        status, body = _get(stack, path, token)
        assert status == 200, (path, body[:300])
    assert DAG_ID in _get(stack, f"{VIEW}/", token)[1]


def test_the_view_refuses_a_caller_who_is_not_signed_in(stack: UiStack) -> None:
    for path in (f"{VIEW}/", f"{VIEW}/dags/{DAG_ID}", f"{VIEW}{stack.run_path()}", f"{VIEW}/api{stack.run_path()}"):
        status, body = _get(stack, path, None)
        assert status == 401, (path, status)
        assert "load-hubs" not in body
        status, _body = _get(stack, path, "not-a-token")
        assert status in (401, 403), (path, status)  # Airflow's own API refuses the token


def test_airflow_graph_shows_glue_names_trigger_labels_and_states(stack: UiStack, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(stack.base_url + stack.run_path())
    eventually("the Graph button", lambda: driver.find_elements(By.CSS_SELECTOR, "button[aria-label^='Show Graph']"))[0].click()
    text = eventually("the graph's edge labels", lambda: _text_with(driver, "landing-succeeded"))
    shot = screenshot(driver, "airflow-graph-data-vault-load-timeout")
    for name in GLUE_NODES:
        assert name in text, name
    for label in ("landing-succeeded", "hubs-succeeded", "hubs-failed"):
        assert label in text, label
    lowered = text.lower()
    assert "success" in lowered and "failed" in lowered and "skipped" in lowered  # Airflow's states of the tasks
    assert shot.stat().st_size > 10_000
    boxes = driver.find_elements(By.CSS_SELECTOR, ".react-flow__node")
    drawn = " ".join(str(box.text) for box in boxes)
    assert len(boxes) == len(GLUE_NODES) + 1, drawn  # one per Glue node, and the outcome
    assert "load-hubs" in drawn and "load-hubs TIMEOUT" not in drawn  # its condition gates are in its box


def test_the_plugin_page_shows_each_glue_node_with_its_glue_state_and_the_triggers_without_gates(stack: UiStack, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(f"{stack.base_url}{stack.run_path()}/plugin/glue-workflow-run")
    frame = eventually("the view's frame", lambda: driver.find_elements(By.CSS_SELECTOR, "iframe[title='Glue workflow']"))[0]
    assert frame.get_attribute("src").endswith(f"{VIEW}{stack.run_path()}")
    driver.switch_to.frame(frame)
    eventually("the graph", lambda: driver.find_elements(By.CSS_SELECTOR, "svg.workflow-graph g.node"))
    drawn = {g.get_attribute("data-node"): g.get_attribute("data-state") for g in driver.find_elements(By.CSS_SELECTOR, "g.node")}
    rows = {r.get_attribute("data-node"): r.get_attribute("data-state") for r in driver.find_elements(By.CSS_SELECTOR, "table.nodes tr[data-node]")}
    triggers = {g.get_attribute("data-trigger") for g in driver.find_elements(By.CSS_SELECTOR, "g.trigger")}
    outcome = driver.find_element(By.CSS_SELECTOR, "section.outcome").get_attribute("data-outcome")
    driver.switch_to.default_content()
    tab = screenshot(driver, "glue-workflow-view-run-tab")
    driver.get(f"{stack.base_url}{VIEW}{stack.run_path()}")  # the page alone, all of it
    eventually("the page", lambda: driver.find_elements(By.CSS_SELECTOR, "table.triggers"))
    driver.set_window_size(1400, driver.execute_script("return document.body.scrollHeight") + 120)
    page = screenshot(driver, "glue-workflow-view-page")
    driver.set_window_size(1600, 1100)
    assert drawn == EXPECTED and rows == EXPECTED  # every Glue node, and nothing else: no gate, no outcome task
    assert triggers == TRIGGERS
    assert outcome == "SUCCEEDED"
    assert tab.stat().st_size > 10_000 and page.stat().st_size > 10_000


def test_the_dag_tab_and_the_nav_entry_reach_the_view(stack: UiStack, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(f"{stack.base_url}/dags/{DAG_ID}/plugin/glue-workflow")
    frame = eventually("the DAG tab's frame", lambda: driver.find_elements(By.CSS_SELECTOR, "iframe[title='Glue workflow']"))[0]
    driver.switch_to.frame(frame)
    latest = eventually("the latest run", lambda: driver.find_elements(By.CSS_SELECTOR, "section.outcome"))[0]
    assert stack.run_id in latest.text
    driver.switch_to.default_content()
    nav = eventually("the nav entry", lambda: [a for a in driver.find_elements(By.TAG_NAME, "a")
                                               if (a.get_attribute("href") or "").endswith("/plugin/glue-workflows")])
    assert nav[0].text == "Glue workflows"


def _text_with(driver: Any, needle: str) -> str | None:
    from selenium.webdriver.common.by import By

    text = str(driver.find_element(By.TAG_NAME, "body").text)
    return text if needle in text else None
