"""Session fixtures for the interop tests.

One project is imported from `fixture.jsonl` with the CLI; each export format is written once
per session (`exported("csv")`) and the tests load it with the libraries analysts use. The
fixture itself is read here with the json module, never through an export, so the tests compare
every export with the source.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

import expect

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURE = HERE / "fixture.jsonl"

# Where each format is written, and whether that is a file or a folder.
DEFAULT_NAMES = {
    "jsonl": "export.jsonl",
    "csv": "export-csv",
    "w3c": "export.jsonld",
    "brat": "export-brat",
    "conll": "export-conll",
    "spacy": "export.spacy",
    "spacy-jsonl": "export.spacy.jsonl",
    "xmi": "export-xmi.zip",
    "parquet": "export-parquet",
    "graphml": "export-graphml",
    "gexf": "export-gexf",
    "network-csv": "export-network-csv",
    "label-studio": "export-label-studio",
    "doccano": "export.doccano.jsonl",
    "qdpx": "export.qdpx",
}
FOLDER_FORMATS = {"csv", "brat", "conll", "parquet", "graphml", "gexf", "network-csv", "label-studio"}

# Libraries that would reach for a hub must stay offline.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def cli_path() -> Path:
    path = Path(os.environ.get("CLAIMDESK_CLI", ROOT / "target" / "debug" / "claimdesk-cli"))
    if not path.is_absolute():
        path = ROOT / path
    return path


def run_cli(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Runs the CLI; a non-zero exit fails the test with its standard error."""
    cli = cli_path()
    if not os.access(cli, os.X_OK):
        pytest.fail(
            f"no Claimdesk CLI at {cli}: build it (cargo build -p claimdesk-cli) or set CLAIMDESK_CLI",
            pytrace=False,
        )
    env = {k: v for k, v in os.environ.items() if k != "CLAIMDESK_PROJECT"}
    command = [str(cli), *map(str, args)]
    done = subprocess.run(command, cwd=cwd or ROOT, env=env, capture_output=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(
            f"`{' '.join(command)}` exited with {done.returncode}\n"
            f"--- stderr ---\n{done.stderr.decode('utf-8', 'replace')}"
            f"--- stdout ---\n{done.stdout.decode('utf-8', 'replace')[-4000:]}",
            pytrace=False,
        )
    return done


def import_project(project: Path, *paths) -> Path:
    """Creates `project` from native JSON Lines (or any importable file) with the CLI."""
    run_cli("--project", project, "import", *paths)
    return project


def export_project(project: Path, format_name: str, out: Path, *options) -> Path:
    """Runs `export --format NAME --out OUT [options]` and checks that OUT was written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    run_cli("--project", project, "export", "--format", format_name, "--out", out, *options)
    if format_name in FOLDER_FORMATS:
        assert out.is_dir(), f"export --format {format_name} wrote no folder at {out}"
    else:
        assert out.is_file(), f"export --format {format_name} wrote no file at {out}"
    return out


# --- the project and its exports -------------------------------------------------------------


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("interop")


@pytest.fixture(scope="session")
def project(workdir) -> Path:
    """The fixture corpus imported into a fresh project by the CLI."""
    if not FIXTURE.is_file():
        pytest.fail(f"the fixture corpus {FIXTURE} is missing", pytrace=False)
    return import_project(workdir / "fixture.claimdesk", FIXTURE)


@pytest.fixture(scope="session")
def exported(project, workdir):
    """`exported(name)` → the path `export --format name` wrote (a file or a folder), written
    once per session. `exported(name, options=("--from", "2025-02-18"))` exports with extra CLI
    options into a folder of its own (also cached)."""
    cache: dict[tuple, Path] = {}

    def export(format_name: str, options: tuple | list = ()) -> Path:
        if format_name not in DEFAULT_NAMES:
            raise KeyError(f"unknown export format {format_name!r}; known: {sorted(DEFAULT_NAMES)}")
        options = tuple(str(o) for o in options)
        key = (format_name, options)
        if key not in cache:
            folder = format_name
            if options:
                folder += "-" + hashlib.sha256("\0".join(options).encode()).hexdigest()[:12]
            out = workdir / "out" / folder / DEFAULT_NAMES[format_name]
            cache[key] = export_project(project, format_name, out, *options)
        return cache[key]

    return export


# --- the fixture, read directly --------------------------------------------------------------


@pytest.fixture(scope="session")
def fixture_native() -> tuple[dict, list[dict]]:
    """(header, document records) of fixture.jsonl."""
    if not FIXTURE.is_file():
        pytest.fail(f"the fixture corpus {FIXTURE} is missing", pytrace=False)
    return expect.load_native(FIXTURE)


@pytest.fixture(scope="session")
def fixture_header(fixture_native) -> dict:
    return fixture_native[0]


@pytest.fixture(scope="session")
def fixture_records(fixture_native) -> list[dict]:
    return fixture_native[1]


@pytest.fixture(scope="session")
def fixture_entities(fixture_native) -> dict[int, dict]:
    """Entity id → {id, kind, name, aliases}."""
    return expect.entities_by_id(*fixture_native)


@pytest.fixture(scope="session")
def fixture_documents(fixture_records) -> dict[int, str]:
    """Document id → text."""
    return {d["id"]: d["text"] for d in fixture_records}


@pytest.fixture(scope="session")
def fixture_annotations(fixture_records) -> list[dict]:
    """Every annotation: document_id, id, label, start, end (code points, end exclusive),
    quote, attributes, entity_id."""
    return [
        {
            "document_id": d["id"],
            "id": a["id"],
            "label": a["label"],
            "start": a["start"],
            "end": a["end"],
            "quote": a["quote"],
            "attributes": a["attributes"],
            "entity_id": a["entity_id"],
        }
        for d in fixture_records
        for a in d["annotations"]
    ]


@pytest.fixture(scope="session")
def fixture_relations(fixture_records) -> list[dict]:
    """Every relation: document_id, id, kind, from_id, to_id (annotation ids)."""
    return [
        {
            "document_id": d["id"],
            "id": r["id"],
            "kind": r["kind"],
            "from_id": r["from_id"],
            "to_id": r["to_id"],
        }
        for d in fixture_records
        for r in d["relations"]
    ]


@pytest.fixture(scope="session")
def fixture_statements(fixture_records, fixture_entities) -> list[dict]:
    """Statements derived here from the fixture's annotations and relations (see
    expect.derive_statements), not the ones the fixture file stores."""
    return [s for d in fixture_records for s in expect.derive_statements(d, fixture_entities)]
