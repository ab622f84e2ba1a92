"""Evaluation: the latest offline eval report, its gates and charts; or, before any, a button
that runs the suite in the background with a progress bar."""

import datetime as dt

import streamlit as st
import streamlit.components.v1 as components

from prodai_assistant.ui import charts, evalreport, evalrun, services

st.title("Evaluation")
st.caption(
    "The evaluation checks retrieval, citations, faithfulness, refusals and the project "
    "assessments against agreed thresholds. It runs the same way every time, with no judge LLM."
)

cfg = services.settings()
dirs = evalreport.report_dirs(cfg)
path = evalreport.find_latest(dirs)
job = evalrun.job_for(cfg)


def run_now() -> None:
    evalrun.start(cfg, services.assistant_getter())


@st.fragment(run_every=1.0)
def progress() -> None:
    if not job.running:
        st.rerun(scope="app")
    minutes = max(1, round(job.seconds_left() / 60))
    left = "about a minute" if minutes == 1 else f"about {minutes} minutes"
    st.progress(job.fraction(), text=f"{job.stage or 'Starting'}… ({left} left)")
    st.caption("You can keep using the app meanwhile; this page updates by itself.")


if job.running:
    st.info("The evaluation is running.", icon=":material/hourglass_top:")
    progress()
elif job.failed:
    with services.friendly_errors("running the evaluation"):
        raise job.error  # type: ignore[misc]

if path is None and not job.running:
    st.info(
        "No evaluation has been run yet. An evaluation asks the assistant a fixed set of test "
        "questions and project descriptions, checks every answer against its sources, and "
        "compares the results with the agreed thresholds. It takes a few minutes and runs in "
        "the background.",
        icon=":material/science:",
    )
    st.button("Run the evaluation", type="primary", icon=":material/play_arrow:", on_click=run_now)
    with st.expander("For operators"):
        where = " or ".join(f"`{d}`" for d in dirs)
        st.markdown(
            f"Reports are read from {where}; the button writes to `{cfg.data_dir / 'eval'}`. "
            "From a terminal: `make eval`, or `prodai eval --report-dir artifacts/eval`."
        )

if path is not None:
    report = evalreport.load_report(path)
    written = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    gates = evalreport.gate_rows(report)
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.badge(
        "All gates pass" if report.get("passed") else "Some gates fail",
        icon=":material/check_circle:" if report.get("passed") else ":material/cancel:",
        color="green" if report.get("passed") else "red",
    )
    right.button(
        "Run again",
        icon=":material/replay:",
        on_click=run_now,
        disabled=job.running,
        width="stretch",
    )
    st.caption(f"Last run {written:%d %b %Y, %H:%M} UTC.")
    counts, timings = report.get("counts") or {}, report.get("timings") or {}
    cols = st.columns(4)
    cols[0].metric("QA items", counts.get("qa_items", "–"))
    cols[1].metric("Classification items", counts.get("classification_items", "–"))
    cols[2].metric("Checks passed", f"{(gates['result'] == 'pass').sum()} / {len(gates)}")
    cols[3].metric("Run time", f"{timings['total_s']:.0f} s" if "total_s" in timings else "–")

    st.subheader("Metrics against gates")
    chart_data = evalreport.gate_chart_data(report)
    if len(chart_data):
        st.altair_chart(charts.gate_chart(chart_data), width="stretch")
    styled = gates.style.map(evalreport.result_style, subset=["result"]) if len(gates) else gates
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        column_config={"value": st.column_config.NumberColumn(format="%.3f")},
    )

    confusion = evalreport.confusion_frame(report)
    if len(confusion):
        st.subheader("Classification confusion matrix")
        st.altair_chart(charts.confusion_chart(confusion), width="content")

    with st.expander("Every metric"):
        st.dataframe(evalreport.metric_rows(report), hide_index=True, width="stretch")
    with st.expander("Report details"):
        st.caption(
            f"`{path}` · backend `{report.get('backend', '?')}` · "
            f"report hash `{str(report.get('report_hash', ''))[:12]}`"
        )
    html_path = path.with_name(evalreport.REPORT_HTML)
    if html_path.is_file():
        with st.expander("Full HTML report"):
            html = html_path.read_text(encoding="utf-8", errors="replace")
            components.html(html, height=900, scrolling=True)
