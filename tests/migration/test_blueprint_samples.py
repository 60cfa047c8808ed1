"""Every AWS sample blueprint (``../shared/corpus/awslabs-blueprint-samples``), as a
folder and as the zip its README builds, through the real ``glue-airflow blueprint``.

Each runs with its README's own parameters (or the spec's defaults) to a definition that
validates, whose graph is the one its layout builds (the layout run again here and its
``Entities`` read through our ``awsglue.blueprint``-compatible library), and whose side
effects (buckets made, scripts uploaded, catalog entries) are listed. The samples ship
their job script beside ``layout.py`` named like the package (``compaction/compaction.py``),
which was once taken for the package itself (issue 22).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from glue_workflow_provider.local.endpoint import LocalGlueEndpoint
from tests.migration.blueprint_samples import (
    NAMES,
    SAMPLES,
    SUFFIX,
    definition_graph,
    endpoint_environment,
    layout_graph,
    options,
    readme_values,
    sample_values,
    zipped,
)
from tests.migration.test_blueprint import blueprint, cli

pytestmark = pytest.mark.endpoint
SCRIPTS = "s3://aws-glue-scripts-123456789012-us-east-1/"
#: compaction's README reads a source table the conversion tutorial made; in a fresh
#: sandbox it gives the layout's other documented input, the data location, instead.
FRESH_SANDBOX = {
    "compaction": {"InputDataLocation": "s3://covid19-lake/covidcast/json/data/fb-survey/"}
}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LocalGlueEndpoint]:
    """One local endpoint holding what the README tutorials assume exists: the
    ``blueprint_tutorial.conversion`` table the conversion tutorial makes."""
    with LocalGlueEndpoint() as local:
        glue = local.client("glue")
        glue.create_database(DatabaseInput={"Name": "blueprint_tutorial"})
        glue.create_table(
            DatabaseName="blueprint_tutorial",
            TableInput={
                "Name": "conversion",
                "StorageDescriptor": {
                    "Location": FRESH_SANDBOX["compaction"]["InputDataLocation"]
                },
            },
        )
        yield local


def test_the_corpus_holds_every_sample(corpus: Path) -> None:
    folders = {p.name for p in (corpus / SAMPLES).iterdir() if p.is_dir()}
    assert folders == set(NAMES)


@pytest.mark.parametrize("form", ["folder", "zip"])
@pytest.mark.parametrize("name", NAMES)
def test_sample_converts_to_the_graph_its_layout_builds(
    corpus: Path,
    endpoint: LocalGlueEndpoint,
    name: str,
    form: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = corpus / SAMPLES / name
    values = sample_values(folder)
    if form == "folder":  # the default: the embedded sandbox, started by the command
        values.update(FRESH_SANDBOX.get(name, {}))
        source, where = folder, []
    else:
        source, where = zipped(folder, tmp_path), ["--endpoint-url", endpoint.url]
    with endpoint_environment(endpoint.url):  # the local credentials --endpoint-url uses
        code, output, written = blueprint(
            capsys,
            source,
            tmp_path / "out",
            *options(values),
            "--name-suffix",
            SUFFIX,
            *where,
        )
    assert code == 0, output
    assert written is not None and written.stem == values["WorkflowName"]
    assert cli(capsys, "validate", str(written))[0] == 0
    with endpoint_environment(endpoint.url):
        expected = layout_graph(folder, values, tmp_path / "layout")
    assert definition_graph(written) == expected
    made = _made(output)
    assert made or form == "zip", output  # the shared endpoint may hold them already
    for job in _jobs(written):
        assert f"s3:PutObject {job['Command']['ScriptLocation']}" in made
    if (folder / f"{name}.py").is_file():
        assert any(item.startswith(f"s3:PutObject {SCRIPTS}") for item in made)


def _made(output: str) -> list[str]:
    """The side effects the command listed (``service:Action what``)."""
    lines = [line for line in output.splitlines() if "what the layout made" in line]
    return lines[0].split("): ", 2)[-1].split("; ") if lines else []


def _jobs(written: Path) -> list[dict[str, dict[str, str]]]:
    import yaml

    jobs: list[dict[str, dict[str, str]]] = yaml.safe_load(written.read_text()).get(
        "Jobs", []
    )
    return jobs


def test_compaction_readme_values_in_a_fresh_sandbox_name_the_missing_table(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = corpus / SAMPLES / "compaction"
    code, output, written = blueprint(
        capsys, folder, tmp_path, *options(sample_values(folder))
    )
    assert code == 1 and written is None
    assert (
        f"{folder}/layout.py: line 183: the layout generator raised: ClientError: "
        in output
    )
    assert (
        "Source table does not exist, and input data location is not provided."
        in output
    )


@pytest.mark.parametrize("name", ["compaction", "encoding"])
def test_input_location_equal_to_output_location_is_refused_by_the_layout(
    corpus: Path, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = corpus / SAMPLES / name
    values = sample_values(folder)
    values["InputDataLocation"] = values["OutputDataLocation"]
    code, output, written = blueprint(capsys, folder, tmp_path, *options(values))
    assert code == 1 and written is None
    assert f"{folder}/layout.py: line " in output
    assert "InputDataLocation is same as OutputDataLocation." in output


@pytest.mark.parametrize(
    ("name", "parameter", "value", "allowed"),
    [
        ("compaction", "InputDataFormat", "xml", "'csv', 'json', 'parquet', 'orc'"),
        ("compaction", "Frequency", "Yearly", "'Hourly', 'Daily', 'Weekly'"),
        ("jdbc_to_s3", "WorkerType", "G.4X", "'G.1X', 'G.2X'"),
        ("s3_to_jdbc", "WorkerType", "Z.2X", "'G.1X', 'G.2X'"),
    ],
)
def test_allowed_values_are_checked_before_the_layout_runs(
    corpus: Path,
    name: str,
    parameter: str,
    value: str,
    allowed: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = corpus / SAMPLES / name
    values = {**sample_values(folder), parameter: value}
    code, output, written = blueprint(capsys, folder, tmp_path, *options(values))
    assert code == 1 and written is None
    assert (
        f"{folder}/blueprint.cfg: parameterSpec.{parameter}: --param {parameter}: "
        f"{value!r} is not allowed; allowedValues: {allowed}"
    ) in output
    assert "the layout was not run" in output
    assert "[layout]" not in output


def test_a_readme_placeholder_bucket_is_refused_naming_the_parameter(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = corpus / SAMPLES / "jdbc_to_s3"
    values = {**sample_values(folder), **readme_values(folder)}
    assert values["OutputDataLocation"] == "s3://path_to_your_data/"
    code, output, written = blueprint(capsys, folder, tmp_path, *options(values))
    assert code == 1 and written is None
    assert (
        f"{folder}/blueprint.cfg: parameterSpec.OutputDataLocation: --param "
        "OutputDataLocation: 's3://path_to_your_data/' is not a valid S3Uri: expected "
        "s3://BUCKET/PATH"
    ) in output


def test_an_output_location_equal_to_the_source_tables_is_refused_by_the_layout(
    corpus: Path,
    endpoint: LocalGlueEndpoint,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """compaction compares OutputDataLocation with the location of the source table it
    reads from the account (here the endpoint holding the conversion tutorial's table)."""
    folder = corpus / SAMPLES / "compaction"
    values = sample_values(folder)
    values["OutputDataLocation"] = FRESH_SANDBOX["compaction"]["InputDataLocation"]
    with endpoint_environment(endpoint.url):
        code, output, written = blueprint(
            capsys, folder, tmp_path, *options(values), "--endpoint-url", endpoint.url
        )
    assert code == 1 and written is None
    assert f"{folder}/layout.py: line 161: the layout generator raised: ClientError: " in output, output
    assert "Location on the source table is same as OutputDataLocation." in output
