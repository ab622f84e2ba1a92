"""The Jinja2 environment every template of the package renders through.

Autoescape is on for HTML and Markdown templates (``*.html.j2``, ``*.md.j2``): text from a user
or a corpus file cannot become live markup in a report or a download. HTML gets Jinja2's own
escaping. Markdown gets a lighter one (``markdown_escape``): only what could start HTML is
escaped, so "P&L" and "it's" stay readable in the raw file. Terminal text (``*.txt.j2``) is
printed as it is; a template of any other kind is escaped. Undefined names are errors.

Filters for text that may hold newlines or markup characters: ``cell`` (one Markdown table
cell), ``line`` (one Markdown line that opens no block), ``br`` (HTML, newlines as ``<br>``) and
``oneline`` (an HTML fragment laid out over template lines, put on one line).
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
WIDTH = 100
# '&' only matters to Markdown when it starts an entity such as '&lt;' or '&#60;'.
_ENTITY_AMP = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# A run of backslashes before a pipe: GFM reads '\\|' as an escaped backslash and a cell break.
_PIPE = re.compile(r"(\\*)\|")
# What opens a Markdown block where a line starts: heading, quote, link reference definition,
# bullet, code fence; an ordered-list number; a thematic break ("***", "- - -").
_BLOCK_START = re.compile(r"[#>\[]|[-+*](?=\s|$)|`{3}|~{3}")
_ORDERED = re.compile(r"\A(\d{1,9})([.)])(?=\s|$)")
_RULE = re.compile(r"([-*_])(?:\s*\1){2,}\s*$")
_LINE_BREAK = re.compile(r"\r\n?|\n")
_LAYOUT = re.compile(r"\n[ \t]*")


def wrap(text: str, indent: str = "", rest: str | None = None, width: int = WIDTH) -> str:
    """``text`` wrapped to ``width``: the first line indented by ``indent``, others by ``rest``."""
    lines = textwrap.wrap(
        text, width=width, initial_indent=indent, subsequent_indent=indent if rest is None else rest
    )
    return "\n".join(lines) or indent


def cell(text: str) -> str:
    """Text safe inside one Markdown table cell: one line, pipes escaped (with any backslashes
    before them, so no pipe can end the cell)."""
    return _PIPE.sub(lambda m: m.group(1) * 2 + "\\|", " ".join(str(text).split()))


def line(text: str) -> str:
    """Text on one Markdown line that opens no block where the line starts (a heading, list,
    quote, code fence, rule or link definition): whitespace runs collapsed, a leading marker
    escaped. For a paragraph or a bullet's text."""
    flat = " ".join(str(text).split())
    if _RULE.match(flat) or _BLOCK_START.match(flat):
        return "\\" + flat
    return _ORDERED.sub(r"\1\\\2", flat, count=1)


def br(text: str) -> Any:
    """Text for HTML: escaped, each line break as ``<br>`` (so none reaches the page as a newline,
    and no blank line can end an HTML block that Markdown is showing)."""
    from markupsafe import Markup, escape

    return Markup("<br>").join(escape(part) for part in _LINE_BREAK.split(str(text)))


def oneline(markup: str) -> Any:
    """An HTML fragment laid out over several template lines, on one line: each newline and the
    indent after it dropped. Text from the data has none left by then (``br``)."""
    from markupsafe import Markup

    flat = _LAYOUT.sub("", str(markup))
    return Markup(flat) if hasattr(markup, "__html__") else flat


def markdown_escape(text: str) -> str:
    """Text that renders as typed in Markdown without opening any HTML tag or entity."""
    return _ENTITY_AMP.sub("&amp;", text).replace("<", "&lt;")


def _finalize(context: Any, value: Any) -> Any:
    """Every printed value of a Markdown template is escaped for Markdown (marked safe, so the
    HTML autoescape does not escape it again); other templates are left to autoescape."""
    from markupsafe import Markup

    name = context.name or ""
    if not name.endswith(".md.j2") or hasattr(value, "__html__"):
        return value
    return Markup(markdown_escape(str(value)))


@lru_cache(maxsize=1)
def environment() -> Any:
    """The shared environment (jinja2 is imported on first use)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2", "md.j2"),
            disabled_extensions=("txt.j2",),
            default_for_string=True,
            default=True,  # a template of any other kind is escaped until said otherwise
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=jinja2.pass_context(_finalize),
    )
    env.filters.update(wrap=wrap, cell=cell, line=line, br=br, oneline=oneline)
    return env


def render(name: str, **context: Any) -> str:
    """Render the template ``name`` from ``templates/`` with ``context`` (no trailing newline)."""
    return str(environment().get_template(name).render(**context)).rstrip("\n")


__all__ = [
    "TEMPLATE_DIR",
    "WIDTH",
    "br",
    "cell",
    "environment",
    "line",
    "markdown_escape",
    "oneline",
    "render",
    "wrap",
]
