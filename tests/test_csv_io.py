"""The one CSV reader and writer (issues 10, 14 and 16): strict parsing that names the row,
caps, formula escaping and result columns that never overwrite input columns, the same for
`prodai classify --csv` and the portfolio page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodai_assistant import csvio
from prodai_assistant.classifier import Classifier
from prodai_assistant.cli import classify as classify_cli
from prodai_assistant.cli import main
from prodai_assistant.config import ClassifierSettings
from prodai_assistant.errors import InputError
from prodai_assistant.testing import FakeAssistant, FakeEmbedder
from prodai_assistant.ui import examples, portfolio

LIVE = (
    "Our invoice-reading model has coded all supplier invoices in Coupa since 2022, about "
    "8,000 a month; the AP systems team owns it and monitors it with alerts."
)
# File handling does not depend on the verdict: hashed vectors of MiniLM's size keep it fast.
CLASSIFIER = Classifier(
    {}, embedder=FakeEmbedder(dim=384), settings=ClassifierSettings(max_chars=1_000)
)
FORMULAS = [
    '=HYPERLINK("http://evil.example")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\r=1",
    "\n=1",
    "\r\n@cmd",
    "  =1+1",
    "\uff1d1+1",  # full-width equals sign
]


@pytest.fixture(autouse=True)
def _small_classifier(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(classify_cli, "_classifier_from_settings", lambda: CLASSIFIER.classify)
    monkeypatch.setenv("PRODAI_AUDIT__ENABLED", "false")
    monkeypatch.chdir(tmp_path)


def cli_batch(
    capsys: pytest.CaptureFixture[str], data: bytes, *args: str
) -> tuple[int, list[dict[str, str]], str]:
    Path("in.csv").write_bytes(data)
    code = main(["classify", "--csv", "in.csv", *args])
    out, err = capsys.readouterr()
    return code, list(csv.DictReader(io.StringIO(out))), err


def one_error_line(err: str, *fragments: str) -> None:
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert all(f in err for f in fragments), err


# --- strict parsing names the row -----------------------------------------------------------


MALFORMED = [
    pytest.param(
        b'name,description\nok,fine\nbad,"never closed\nnext,row\n',
        "not valid CSV at line 3 (row 3): a quote opened in it is never closed",
        id="unterminated-quote",
    ),
    pytest.param(
        b"name,description\nok,fine\nbad,live, in production, monitored\n",
        "Row 3 has 4 cells but the header names 2 columns",
        id="unquoted-commas",
    ),
    pytest.param(
        b"name,description,name\na,b,c\n",
        "Row 1 (the header) names column 'name' twice (cells 1 and 3)",
        id="duplicated-header",
    ),
    pytest.param(
        b'name,description\na,"x" trailing\n',
        "not valid CSV at line 2 (row 2): ',' expected after '\"'",
        id="text-after-a-quote",
    ),
    pytest.param(
        b"name,description\na,b\nc," + b"x" * 100_001 + b"\n",
        "Row 3, cell 2 has 100,001 characters; the limit is 100,000",
        id="cell-over-the-cap",
    ),
    pytest.param(
        b"name,description\na,b\nc," + b"x" * 140_000 + b"\n",
        "line 3 (row 3): a cell is longer than the limit of 100,000",
        id="cell-over-the-csv-module-limit",
    ),
    pytest.param(
        b"name,description\n" + b"p,live\n" * 10_001,
        "10,001 projects, more than 10,000",
        id="10001-rows",
    ),
]


@pytest.mark.parametrize(("data", "message"), MALFORMED)
def test_the_reader_names_the_row(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        csvio.read_csv(data)


@pytest.mark.parametrize(("data", "message"), MALFORMED)
def test_the_cli_and_the_app_refuse_the_same_files(
    capsys: pytest.CaptureFixture[str], data: bytes, message: str
) -> None:
    code, rows, err = cli_batch(capsys, data)
    assert code == 2 and rows == []
    one_error_line(err, message)
    with pytest.raises(InputError, match=re.escape(message)):
        portfolio.read_portfolio_csv(data)


def test_the_cli_and_the_app_read_the_same_cells() -> None:
    data = "name;description\nCafé;live, in production\n\nB;\n".encode("cp1252")
    table = csvio.read_csv(data)
    assert table.columns == ["name", "description"]
    assert table.rows == [["Café", "live, in production"], ["B", ""]]
    assert table.encoding == "cp1252" and "Windows-1252" in table.notices[0]
    frame = portfolio.read_portfolio_csv(data).frame
    assert frame.to_numpy().tolist() == table.rows
    Path("x.csv").write_bytes(data)
    assert classify_cli.read_rows(Path("x.csv"), "description") == csvio.read_csv(
        data, name="'x.csv'"
    )


def test_ten_thousand_rows_and_a_cell_at_the_cap_are_accepted() -> None:
    data = b"name,description\n" + b"p,live\n" * 9_999 + b"q," + b"x" * 100_000 + b"\n"
    table = csvio.read_csv(data)
    assert len(table.rows) == csvio.MAX_ROWS and len(table.rows[-1][1]) == 100_000


def test_short_rows_are_padded_and_trailing_empty_cells_ignored() -> None:
    assert csvio.read_csv(b"a,b,c\n1\n2,3,,,\n").rows == [["1", "", ""], ["2", "3", ""]]


# --- formula escaping -----------------------------------------------------------------------


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_are_escaped(value: str) -> None:
    assert csvio.escape_formula(value) == "'" + value


@pytest.mark.parametrize("value", ["fine", "a=b", "3", "", " plain", "'=already", 3, None])
def test_other_cells_are_left_alone(value: object) -> None:
    assert csvio.escape_formula(value) == value


def test_cli_output_escapes_input_and_result_cells(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["name", "description"]] + [[f, LIVE] for f in FORMULAS] + [["x", "=" + LIVE]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    code, out, _ = cli_batch(capsys, buffer.getvalue().encode())
    assert code == 0 and len(out) == len(FORMULAS) + 1
    for row in out:
        for cell in row.values():
            assert not cell.lstrip(" \t\r\n").startswith(tuple("=+-@\uff1d")), cell
    assert [r["name"] for r in out[:-1]] == ["'" + f for f in FORMULAS]


def test_app_results_and_template_are_escaped() -> None:
    table = portfolio.read_portfolio_csv(b"name,description\n" + b'"=cmd()",live in production\n')
    results = portfolio.classify_rows(table.frame, "description", FakeAssistant().classify,
                                      name_column="name")  # fmt: skip
    back = list(csv.DictReader(io.StringIO(portfolio.results_csv(results).decode("utf-8-sig"))))
    assert back[0]["project"] == "'=cmd()"
    template = csvio.read_csv(examples.template_csv())
    assert template.columns == ["name", "description"] and len(template.rows) == 2


# --- reserved output columns ----------------------------------------------------------------


def test_result_columns_never_overwrite_input_columns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = (
        b"description,verdict,gaps,error,prodai_error\n"
        + f'"{LIVE}",mine,my gaps,none,x\n'.encode()
    )
    code, out, _ = cli_batch(capsys, data)
    assert code == 0
    assert list(out[0]) == [
        "description", "verdict", "gaps", "error", "prodai_error",
        "prodai_verdict", "maturity_level", "confidence", "prodai_gaps", "prodai_prodai_error",
    ]  # fmt: skip
    assert (out[0]["verdict"], out[0]["gaps"], out[0]["error"]) == ("mine", "my gaps", "none")
    assert out[0]["prodai_verdict"] in {"production", "demo", "not_assessable"}


def test_output_names() -> None:
    assert csvio.output_names(["a", "verdict"], ["verdict", "b"]) == {
        "verdict": "prodai_verdict",
        "b": "b",
    }


# --- round trip -----------------------------------------------------------------------------


cells = st.text(st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from(',"\n '),
                max_size=30).filter(lambda s: csvio.escape_formula(s) == s)  # fmt: skip


@settings(max_examples=150)
@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=8))
def test_written_rows_read_back_unchanged(rows: list[list[str]]) -> None:
    rows = [["k", *row[1:]] for row in rows]  # never a blank row
    columns = ["one", "two", "three"]
    data = csvio.csv_bytes(columns, [dict(zip(columns, r, strict=True)) for r in rows])
    table = csvio.read_csv(data)
    assert table.columns == columns and table.rows == rows
