"""What the AWS sample blueprint tests share: each sample's own parameters (from its
README), its zip archive, and the graph its layout builds, read through our
``awsglue.blueprint``-compatible library.

The samples live in ``../shared/corpus/awslabs-blueprint-samples/<name>/`` (the public
``awslabs/aws-glue-blueprint-libs`` samples, as their archives unpack); nothing of them
is copied into the project.
"""

from __future__ import annotations

import difflib
import importlib
import json
import os
import re
import shutil
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from glue_workflow_provider.local.endpoint import ACCOUNT, LOCAL_CREDENTIALS, REGION
from glue_workflow_provider.sources.blueprint import parameters
from glue_workflow_provider.sources.blueprint.api import workflow as _library  # noqa: F401 - imported before any layout, so a layout run does not drop it
from glue_workflow_provider.sources.blueprint.runner import install_awsglue
from tests.migration.test_blueprint_corpus import SAMPLE

SAMPLES = "awslabs-blueprint-samples"
NAMES = (
    "compaction",
    "conversion",
    "crawl_s3_locations",
    "custom_connection_to_catalog",
    "encoding",
    "jdbc_to_s3",
    "partitioning",
    "s3_to_dynamodb",
    "s3_to_jdbc",
    "standard_table_to_governed",
)
SUFFIX = "run1"
#: README values that are placeholders no S3 accepts (a bucket name with '_'), and a
#: valid value in their place.
PLACEHOLDERS = {"jdbc_to_s3": {"OutputDataLocation": "s3://path-to-your-data/"}}
_ITEM = re.compile(r"^ {4}\d+\.\s+([A-Za-z][\w ]*?)(?::\s*(.*))?$")
_ENTER = re.compile(r"^ {8}\d+\.\s+Enter `([^`]*)`")


def spec_of(folder: Path) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((folder / "blueprint.cfg").read_text())[
        "parameterSpec"
    ]
    return spec


def readme_values(folder: Path) -> dict[str, str]:
    """The values the README's tutorial enters ("Specify parameters"), under the
    spec's parameter names (the READMEs spell a few slightly differently)."""
    spec = spec_of(folder)
    lines = (folder / "README.md").read_text().splitlines()
    start = next((i for i, line in enumerate(lines) if "Specify parameters" in line), None)
    values: dict[str, list[str]] = {}
    name = ""
    for line in lines[start + 1 :] if start is not None else []:
        item, entered = _ITEM.match(line), _ENTER.match(line)
        if item and " " not in item.group(1):
            name = _spec_name(item.group(1), spec)
            raw = item.group(2) or ""
            ticked = re.findall(r"`([^`]*)`", re.sub(r"\s\([^()]*\)", "", raw))
            if name:
                values[name] = ticked or ([""] if "(blank)" in raw else [])
        elif entered and name:
            values[name].append(entered.group(1))
    return {key: ",".join(items) for key, items in values.items()}


def _spec_name(name: str, spec: dict[str, Any]) -> str:
    by_case = {key.lower(): key for key in spec}
    if name.lower() in by_case:
        return by_case[name.lower()]
    near = difflib.get_close_matches(name, list(spec), n=1, cutoff=0.8)
    return near[0] if near else ""


def sample_values(folder: Path) -> dict[str, str]:
    """The README's values, plus a value of the right type for each required parameter
    it leaves out (the spec's defaults cover the rest)."""
    values = {**readme_values(folder), **PLACEHOLDERS.get(folder.name, {})}
    for name, entry in spec_of(folder).items():
        if name not in values and "defaultValue" not in entry:
            value = SAMPLE[entry["type"]]
            values[name] = f"{value},{value}" if entry.get("collection") else value
    return values


def options(values: dict[str, str]) -> list[str]:
    return [option for k, v in values.items() for option in ("--param", f"{k}={v}")]


def zipped(folder: Path, into: Path) -> Path:
    """The archive the README builds: ``zip NAME.zip NAME/*``."""
    archive = into / f"{folder.name}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(folder.iterdir()):
            zf.write(file, f"{folder.name}/{file.name}")
    return archive


@contextmanager
def endpoint_environment(url: str) -> Iterator[None]:
    """This process's AWS calls sent to the local endpoint ``url``, for the block."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    os.environ.update(
        LOCAL_CREDENTIALS, AWS_ENDPOINT_URL=url, AWS_DEFAULT_REGION=REGION
    )
    try:
        yield
    finally:
        for key in [k for k in os.environ if k.startswith("AWS_")]:
            os.environ.pop(key)
        os.environ.update(saved)


def layout_graph(folder: Path, values: dict[str, str], work: Path) -> dict[str, Any]:
    """Run the sample's layout here (AWS calls must already go to a local endpoint) and
    read its ``Entities``: the job and crawler names, the start nodes and the edges."""
    spec = spec_of(folder)
    resolved = parameters.resolve(spec, values, {})
    assert not resolved.problems, resolved.problems
    shutil.copytree(folder, work / folder.name)
    before, cwd = set(sys.modules), Path.cwd()
    install_awsglue()
    sys.path.insert(0, str(work))
    os.chdir(work)
    try:
        layout = importlib.import_module(f"{folder.name}.layout")
        workflow = layout.generate_layout(
            resolved.values, {"region": REGION, "accountId": ACCOUNT}
        )
    finally:
        os.chdir(cwd)
        sys.path.remove(str(work))
        for module in set(sys.modules) - before:
            del sys.modules[module]
    return _graph(workflow)


def _graph(workflow: Any) -> dict[str, Any]:
    entities = workflow.Entities
    nodes = {
        kind: sorted(f"{e.Name}_{SUFFIX}" for e in getattr(entities, kind) or ())
        for kind in ("Jobs", "Crawlers")
    }
    edges, starts = set(), set()
    for entity in [*(entities.Jobs or ()), *(entities.Crawlers or ())]:
        name = f"{entity.Name}_{SUFFIX}"
        depends = entity.__dict__.get("DependsOn")
        if not depends:
            starts.add(name)
        for dependency, state in (depends or {}).items():
            edges.add((f"{dependency.Name}_{SUFFIX}", state, name))
    schedule = workflow.__dict__.get("OnSchedule") or None
    return {**nodes, "starts": starts, "edges": edges, "schedule": schedule}


def definition_graph(path: Path) -> dict[str, Any]:
    """The same view of a written definition: its jobs, crawlers and triggers."""
    document = yaml.safe_load(path.read_text())
    nodes = {
        kind: sorted(entity["Name"] for entity in document.get(kind) or ())
        for kind in ("Jobs", "Crawlers")
    }
    edges, starts, schedule = set(), set(), None
    for trigger in document["Triggers"]:
        targets = [a.get("JobName") or a.get("CrawlerName") for a in trigger["Actions"]]
        if trigger["Type"] != "CONDITIONAL":
            starts.update(targets)
            schedule = trigger.get("Schedule")
            continue
        for condition in trigger["Predicate"]["Conditions"]:
            source = condition.get("JobName") or condition.get("CrawlerName")
            state = condition.get("State") or condition.get("CrawlState")
            edges.update((source, state, target) for target in targets)
    return {**nodes, "starts": starts, "edges": edges, "schedule": schedule}
