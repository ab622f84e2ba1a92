"""Evaluation: the latest offline eval report, its gates and charts."""

import datetime as dt

import streamlit as st
import streamlit.components.v1 as components

from prodai_assistant.ui import charts, evalreport, services

st.title("Evaluation")
st.caption(
    "The offline eval suite checks retrieval, citations, faithfulness, refusals and the "
    "classifier against committed gates. It runs the same way every time, with no judge LLM."
)

dirs = evalreport.report_dirs(services.settings())
path = evalreport.find_latest(dirs)
if path is None:
    where = " or ".join(f"`{d}`" for d in dirs)
    st.info(
        f"No eval report yet (looked in {where}). Run `make eval`, or "
        "`prodai eval --report-dir artifacts/eval`, then reload this page.",
        icon=":material/science:",
    )
    st.stop()

report = evalreport.load_report(path)
written = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
gates = evalreport.gate_rows(report)
st.badge(
    "All gates pass" if report.get("passed") else "Some gates fail",
    icon=":material/check_circle:" if report.get("passed") else ":material/cancel:",
    color="green" if report.get("passed") else "red",
)
st.caption(
    f"`{path}` · written {written} · backend `{report.get('backend', '?')}` · "
    f"report hash `{str(report.get('report_hash', ''))[:12]}`"
)
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
html_path = path.with_name(evalreport.REPORT_HTML)
if html_path.is_file():
    with st.expander("Full HTML report"):
        html = html_path.read_text(encoding="utf-8", errors="replace")
        components.html(html, height=900, scrolling=True)
