"""Portfolio review: upload a CSV of projects, assess every row, chart and download the results."""

import streamlit as st

from prodai_assistant.ui import charts, examples, flows, portfolio, services

st.title("Portfolio review")
st.caption(
    f"Upload a CSV with one project per row (up to {portfolio.MAX_ROWS:,} rows) and a column "
    "describing each project. Every row gets the same assessment as the single-project page."
)
st.download_button(
    "Download a template CSV",
    examples.template_csv(),
    file_name="portfolio-template.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/description:",
)
uploaded = st.file_uploader("Portfolio CSV", type=["csv", "txt"])

if uploaded is not None:
    with services.friendly_errors("reading the CSV"):
        table = portfolio.read_portfolio_csv(uploaded.getvalue())
        for notice in table.notices:
            st.info(notice, icon=":material/info:")
        columns = list(table.frame.columns)
        guess = portfolio.guess_column(columns, portfolio.DESCRIPTION_HINTS) or columns[-1]
        name_guess = portfolio.guess_column(columns, portfolio.NAME_HINTS)
        left, right = st.columns(2)
        description_col = left.selectbox(
            "Column with the project description", columns, index=columns.index(guess)
        )
        name_options = ["(row number)", *columns]
        name_col = right.selectbox(
            "Column with the project name",
            name_options,
            index=name_options.index(name_guess) if name_guess else 0,
        )
        st.caption(f"{len(table.frame):,} projects in {uploaded.name}.")
        st.dataframe(table.frame.head(5), hide_index=True)
        run_key = (uploaded.file_id, description_col, name_col)
        if st.button(
            f"Assess {len(table.frame):,} projects", type="primary", icon=":material/fact_check:"
        ):
            flows.assess_portfolio(
                table.frame,
                description_col,
                None if name_col == name_options[0] else name_col,
                run_key,
            )
        results = flows.portfolio_results(run_key)
        if results is not None:
            charts.portfolio_summary(results)
            st.download_button(
                "Download results (CSV)",
                portfolio.results_csv(results),
                file_name="portfolio-assessment.csv",
                mime="text/csv",
                on_click="ignore",
                icon=":material/download:",
                type="primary",
            )
