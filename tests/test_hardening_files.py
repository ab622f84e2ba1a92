"""Files, pipes and disks (issues 6, 13 and 14): reads are bounded, outputs are written all or
nothing, the input is never the output, and a full disk is one ``error:`` line with exit 2."""

from __future__ import annotations

import csv
import io
import os
import resource
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from prodai_assistant.classifier import Classifier
from prodai_assistant.cli import classify as classify_cli
from prodai_assistant.cli import core, main
from prodai_assistant.config import ClassifierSettings, Settings
from prodai_assistant.errors import InputError, OutputError
from prodai_assistant.fileio import atomic_output, read_bounded, same_file
from prodai_assistant.models import Assessment
from prodai_assistant.testing import FakeEmbedder

REPO = Path(__file__).resolve().parent.parent
LIVE = (
    "Our invoice-reading model has coded all supplier invoices in Coupa since 2022, about "
    "8,000 a month; AP only checks the flagged ones. The AP systems team owns it and monitors "
    "it with alerts. Cost per invoice fell from EUR 4.10 to EUR 1.60, tracked in the finance "
    "KPIs every month."
)
# File handling does not depend on the verdict: hashed vectors of MiniLM's size keep it fast.
CLASSIFIER = Classifier(
    {}, embedder=FakeEmbedder(dim=384), settings=ClassifierSettings(max_chars=1_000)
)
# A child `prodai` process with the same hashed-vector classifier and no audit trail: nothing
# but the command itself writes a file, so a file size limit hits exactly the output.
CHILD = textwrap.dedent(
    """
    import sys
    from prodai_assistant.classifier import Classifier
    from prodai_assistant.cli import classify, main
    from prodai_assistant.testing import FakeEmbedder
    classifier = Classifier({}, embedder=FakeEmbedder(dim=384))
    classify._classifier_from_settings = lambda: classifier.classify
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.fixture(autouse=True)
def _small_classifier(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(classify_cli, "_classifier_from_settings", lambda: CLASSIFIER.classify)
    monkeypatch.setenv("PRODAI_AUDIT__ENABLED", "false")
    monkeypatch.chdir(tmp_path)


def batch(path: Path, rows: int = 3) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "description"])
        writer.writerows([[str(i), LIVE] for i in range(rows)])
    return path


def one_error_line(capsys: pytest.CaptureFixture[str], *fragments: str) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert all(f in err for f in fragments), err
    return err


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def child(
    *argv: str, stdout: int | None = subprocess.PIPE, fsize: int | None = None, **env: str
) -> subprocess.CompletedProcess[bytes]:
    def limit() -> None:  # in the child: writes past ``fsize`` bytes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-c", CHILD, *argv],
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO), "PRODAI_AUDIT__ENABLED": "false", **env},
        preexec_fn=limit if fsize is not None else None,
        timeout=120,
    )


# --- the input is never the output (issue 6) ------------------------------------------------


@pytest.mark.parametrize("spelling", ["same", "relative", "dotted", "symlink", "hardlink"])
def test_out_naming_the_input_is_refused_and_the_input_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spelling: str
) -> None:
    source = batch(tmp_path / "in.csv")
    before = source.read_bytes()
    out = {
        "same": source,
        "relative": Path("in.csv"),
        "dotted": tmp_path / "sub" / ".." / "in.csv",
        "symlink": tmp_path / "link.csv",
        "hardlink": tmp_path / "hard.csv",
    }[spelling]
    (tmp_path / "sub").mkdir()
    if spelling == "symlink":
        out.symlink_to(source)
    if spelling == "hardlink":
        os.link(source, out)
    assert main(["classify", "--csv", str(source), "--out", str(out)]) == 2
    one_error_line(capsys, "is the input file")
    assert source.read_bytes() == before


def test_an_interrupted_batch_leaves_the_old_output_and_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = batch(tmp_path / "in.csv", rows=5), tmp_path / "out.csv"
    out.write_text("last week's results\n", encoding="utf-8")
    seen: list[str] = []

    def interrupted(text: str) -> Assessment:
        if len(seen) == 3:
            raise KeyboardInterrupt
        seen.append(text)
        return CLASSIFIER.classify(text)

    monkeypatch.setattr(classify_cli, "_classifier_from_settings", lambda: interrupted)
    assert main(["classify", "--csv", str(source), "--out", str(out)]) == 130
    assert out.read_text(encoding="utf-8") == "last week's results\n"
    assert leftovers(tmp_path) == []


def test_a_finished_batch_replaces_the_output_keeping_its_permissions(tmp_path: Path) -> None:
    source, out = batch(tmp_path / "in.csv"), tmp_path / "out.csv"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o640)
    assert main(["classify", "--csv", str(source), "--out", str(out)]) == 0
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 3
    assert out.stat().st_mode & 0o777 == 0o640 and leftovers(tmp_path) == []


# --- atomic_output and same_file ------------------------------------------------------------


def test_atomic_output_keeps_the_target_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "report.jsonl"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write("new, half written")
        raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old" and leftovers(tmp_path) == []


def test_atomic_output_names_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "x.csv"
    with (
        pytest.raises(OutputError, match=r"Cannot write .*missing.*No such file"),
        atomic_output(missing),
    ):
        pass


def test_same_file_is_false_for_different_or_missing_files(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("x", encoding="utf-8")
    (tmp_path / "b").write_text("x", encoding="utf-8")
    assert not same_file(tmp_path / "a", tmp_path / "b")
    assert not same_file(tmp_path / "a", tmp_path / "new")


# --- a full disk (issue 14) -----------------------------------------------------------------


def test_out_over_the_file_size_limit_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    source, out = batch(tmp_path / "in.csv", rows=40), tmp_path / "out.csv"
    out.write_text("old\n", encoding="utf-8")
    done = child("classify", "--csv", str(source), "--out", str(out), fsize=8_000)
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert err.startswith(f"error: Cannot write {str(out)!r}: File too large")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "old\n" and leftovers(tmp_path) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "argv",
    [["classify", "in.txt"], ["classify", "in.txt", "--json"], ["classify", "--csv", "in.csv"]],
    ids=" ".join,
)
def test_stdout_on_a_full_disk_is_one_line_and_exit_2(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "in.txt").write_text(LIVE, encoding="utf-8")
    batch(tmp_path / "in.csv")
    with open("/dev/full", "wb") as full:
        done = child(
            *[str(tmp_path / a) if a.startswith("in.") else a for a in argv], stdout=full.fileno()
        )
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert err == "error: Cannot write standard output: No space left on device.\n"


def test_stdout_over_the_file_size_limit_is_one_line(tmp_path: Path) -> None:
    batch(tmp_path / "in.csv", rows=40)
    with (tmp_path / "captured.csv").open("wb") as captured:
        done = child("classify", "--csv", str(tmp_path / "in.csv"), stdout=captured.fileno(),
                     fsize=4_000)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.decode() == "error: Cannot write standard output: File too large.\n"


# --- bounded reads (issue 13) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["classify", "/dev/zero"], "'/dev/zero' is larger than 312 KB"),
        (["classify", "--csv", "/dev/zero"], "'/dev/zero' is larger than 20 MB"),
        (["ask", "What is Production AI?", "--history", "/dev/zero"], "larger than 20 MB"),
    ],
    ids=["classify", "classify-csv", "ask-history"],
)
def test_endless_files_are_refused_at_the_cap(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    assert main(argv) == 2
    one_error_line(capsys, fragment)


def test_endless_stdin_is_refused_at_the_cap(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with open("/dev/zero", "rb") as zero:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(zero))
        assert main(["classify", "-"]) == 2
    one_error_line(capsys, "Standard input is larger than", "PRODAI_CLASSIFIER__MAX_CHARS")


def test_the_description_cap_follows_the_classifier_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRODAI_CLASSIFIER__MAX_CHARS", "100")
    cap = classify_cli.description_bytes(Settings.load().classifier.max_chars)
    (tmp_path / "long.txt").write_text("x" * (cap + 1), encoding="utf-8")
    assert main(["classify", "long.txt"]) == 2
    one_error_line(capsys, "larger than 2 KB", "PRODAI_CLASSIFIER__MAX_CHARS")


def test_a_description_just_over_the_limit_gets_the_classifier_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "long.txt").write_text(LIVE + " x" * 400, encoding="utf-8")
    assert main(["classify", "long.txt"]) == 2
    one_error_line(capsys, "the limit is 1,000")


def test_read_bounded_stops_one_byte_past_the_limit() -> None:
    stream = io.BytesIO(b"x" * 100)
    assert read_bounded(stream, 100, name="it") == b"x" * 100
    stream = io.BytesIO(b"x" * 101)
    with pytest.raises(InputError, match="It is larger than 100 bytes"):
        read_bounded(stream, 100, name="it")
    assert stream.tell() == 101


# --- `prodai chat` reads bounded lines ------------------------------------------------------


def test_a_long_chat_line_is_skipped_and_the_next_one_read() -> None:
    stream = io.StringIO("y" * 50 + "\n" + "x" * 1_000 + "\nWhat is xOps?\n")
    assert core.read_line(stream, 100) == "y" * 50 + "\n"
    with pytest.raises(core.LineTooLongError, match="longer than 100 characters"):
        core.read_line(stream, 100)
    assert core.read_line(stream, 100) == "What is xOps?\n"
    assert core.read_line(stream, 100) is None


@pytest.fixture
def chat_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PRODAI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PRODAI_RETRIEVAL__MIN_DENSE_SCORE", "0.05")
    monkeypatch.setattr(core, "make_embedder", lambda settings: FakeEmbedder())
    yield


def test_chat_on_endless_stdin_ends_with_one_error(
    chat_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with open("/dev/zero", encoding="utf-8") as zero:
        monkeypatch.setattr(sys, "stdin", zero)
        assert main(["chat"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("error: Standard input has a line of more than")


# --- eval reports and the baseline are outputs too -------------------------------------------


def test_a_failed_eval_report_write_keeps_the_old_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from prodai_assistant.evaluation import gates, report

    (tmp_path / "report.json").write_text("old report", encoding="utf-8")
    (tmp_path / "baseline.json").write_text("old baseline", encoding="utf-8")

    def full_disk(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(report, "render_markdown", lambda r: "md")
    monkeypatch.setattr(report, "render_html", lambda r: "html")
    monkeypatch.setattr(os, "fsync", full_disk)
    fake = type("Report", (), {"model_dump_json": lambda self, indent: "{}"})()
    with pytest.raises(OutputError, match="No space left on device"):
        report.write_reports(fake, tmp_path)  # type: ignore[arg-type]
    with pytest.raises(OutputError, match="No space left on device"):
        gates.write_baseline(tmp_path / "baseline.json", {"m": 1.0}, backend="extractive")
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == "old report"
    assert (tmp_path / "baseline.json").read_text(encoding="utf-8") == "old baseline"
    assert leftovers(tmp_path) == []
