"""Intent rules and focus: which family a standalone question belongs to, and which part of it
(one hallmark, part, dimension, level, version, term or stakeholder) it names. Pure."""

from __future__ import annotations

import re

from ..models import Audience, Intent
from .patterns import alts, find_first

AUDIENCE_PATTERNS: tuple[tuple[Audience, re.Pattern[str]], ...] = (
    ("ceo", alts("ceos? | chief executive\\w* | board( of directors)?")),
    ("cfo", alts("cfos? | chief financial( officer)? | finance( (team|leader|chief|head))?")),
    ("cto", alts("ctos? | chief technology( officer)? | architects? | engineering (lead|head)s?")),
    (
        "lob",
        alts(
            "lob | line of business( leaders?)? | business unit (leader|head)s? "
            "| operations leaders? | business leaders?"
        ),
    ),
)
VARIANT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("formal", alts("formal\\w* | white ?papers? | academic")),
    ("slide", alts("slides? | slideware | keynote | deck | presentation")),
    (
        "punchy",
        alts(
            "punch(y|ier|iest) | one liner | elevator( pitch)? | short(er)? | snapp(y|ier) "
            "| tweet | catch(y|ier) | brief(er)? | in one sentence"
        ),
    ),
)
# Hallmark number -> words that point at it (used only once the hallmark intent is known).
HALLMARK_FOCUS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("1", alts("first | 1st | one | deployed | real operations | sandbox")),
    ("2", alts("second | 2nd | two | embedded | business process\\w*")),
    ("3", alts("third | 3rd | three | reliab\\w* | governed | governance | xops")),
    ("4", alts("fourth | 4th | last | repeatable | roi")),
)
BOTTOM_LINE_FOCUS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("1", alts("wired( into)? | (your|real) data | first part")),
    ("2", alts("supported by | (your )?operations | second part")),
    ("3", alts("visible in | financials | third part")),
)
OVERALL_TEST = alts("bottom line | three part test | (the|a) (simple |quick )?test | all three")
RUBRIC_FOCUS = re.compile(r"\bd(?P<dim>[1-8])\b|\blevel\s*(?P<level>[0-4])\b", re.IGNORECASE)
ORDINALS = dict(first=1, second=2, third=3, fourth=4) | {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
ORDINAL_WORDS = ("first", "second", "third", "fourth")

# Glossary terms: pattern -> focus key (the glossary section slug).
GLOSSARY_TERMS: tuple[tuple[str, str], ...] = (
    (r"xops", "xops"),
    (r"mlops", "mlops"),
    (r"llmops", "llmops"),
    (r"(a\s+)?(poc|proof[\s-]of[\s-]concept)( \(poc\))?", "proof-of-concept-poc"),
    (r"(the\s+)?(p&l|p\s*&\s*l|pnl|profit\s+and\s+loss)", "p-l"),
    (r"roi|return\s+on\s+investment", "roi"),
    (r"(a\s+)?tier[\s-]?1(\s+(technical\s+)?asset)?", "tier-1-asset"),
    (r"audit[\s-]ready", "audit-ready"),
    (r"edge\s+cases?", "edge-cases"),
    (r"technical\s+debt|tech\s+debt", "technical-debt"),
    (r"(a\s+)?sandbox", "sandbox"),
    (r"(a\s+)?(line[\s-]of[\s-]business|lob)", "line-of-business"),
)
_TERM_ALT = "|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(GLOSSARY_TERMS))
GLOSSARY_QUESTION = re.compile(
    rf"^(what\s+(is|are|does|do)|what's|define|definition\s+of|meaning\s+of|explain)\s+"
    rf"((the|a|an)\s+)?(term\s+|word\s+|acronym\s+)?['\"“]?(?:{_TERM_ALT})['\"”]?"
    rf"(\s+(mean|means|stand\s+for|stands\s+for))?\s*\??\s*$",
    re.IGNORECASE,
)

# First matching family wins, so specific topics come before broad ones.
INTENT_RULES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    ("rubric", alts("d[1-8] | red flags? | positive signals? | maturity levels? [0-4] | weakest")),
    ("comparison", alts("signs? | still a demo | (tell|know|check) (if|whether) .{0,40}demo")),
    (
        "variants",
        alts(
            "versions? | formal | slides? | slideware | punch(y|ier) | one liner | elevator "
            "| short(er)? (version|definition) | ways to (define|say) | white ?paper | keynote"
        ),
    ),
    (
        "bottom_line",
        alts(
            "bottom line | three part test | wired into | supported by (your )?operations "
            "| visible in (your )?financials | (the|a) (simple |quick )?test | just a demo "
            "| production ready | how (do|can|would|should) (i|we|you) (know|tell|check|judge) "
            "| (data|operations|financials) part | part (one|two|three|1|2|3)"
        ),
    ),
    (
        "statistics",
        alts(
            "how many | percent\\w* | % | fail(s|ed|ure|ures)? | stall\\w* | gartner | mit "
            "| abandon\\w* | statistics? | figures | success rate | never reach\\w*"
        ),
    ),
    (
        "rubric",
        alts(
            "rubric | maturity | levels? [0-4] | levels | criteri(a|on) | assess(ed|ing|ment)? "
            "| dimensions? | d[1-8] | weakest link | buzzwords? | scor(e|ed|ing)"
        ),
    ),
    (
        "hallmarks",
        alts(
            "hallmarks? | characteristics | four | 4 | what makes | traits | pillars "
            "| qualities | deployed in real operations | embedded in business processes "
            "| reliable and governed | repeatable roi"
        ),
    ),
    (
        "stakeholder",
        re.compile(
            "|".join(p.pattern for _, p in AUDIENCE_PATTERNS)
            + "|"
            + alts("stakeholders? | executives? | leadership").pattern,
            re.IGNORECASE,
        ),
    ),
    (
        "comparison",
        alts(
            "pilots? | pocs? | proof of concepts? | demos? | prototypes? | sandbox | versus "
            "| vs\\.? | difference | differ\\w* | compar\\w*"
        ),
    ),
    (
        "definition",
        alts(
            "define | definition | meaning | mean | what (is|counts as) production ai "
            "| production ai"
        ),
    ),
)


def classify_intent(text: str) -> tuple[Intent, str | None, str]:
    """(intent, focus, reason) for an in-domain standalone question."""
    glossary = GLOSSARY_QUESTION.search(text.strip())
    if glossary:
        key = next(GLOSSARY_TERMS[int(k[1:])][1] for k, v in glossary.groupdict().items() if v)
        return "glossary", f"term:{key}", f"asks what {key!r} means"
    for intent, pattern in INTENT_RULES:
        match = pattern.search(text)
        if match is None:
            continue
        return intent, _focus(intent, text), f"matched {match.group(0).strip()!r}"
    return "general", None, "in the domain, no specific intent"


def _focus(intent: Intent, text: str) -> str | None:
    if intent == "variants":
        found = find_first(VARIANT_PATTERNS, text)
        return f"variant:{found[0]}" if found else None
    if intent == "hallmarks":
        if re.search(r"\b(hallmarks|four|4|all|characteristics)\b", text, re.IGNORECASE):
            return None
        hits = [key for key, pattern in HALLMARK_FOCUS if pattern.search(text)]
        return f"hallmark:{hits[0]}" if len(hits) == 1 else None
    if intent == "stakeholder":
        audience = detect_audience(text)
        return f"audience:{audience}" if audience else None
    if intent == "bottom_line" and not OVERALL_TEST.search(text):
        hits = [key for key, pattern in BOTTOM_LINE_FOCUS if pattern.search(text)]
        return f"part:{hits[0]}" if len(hits) == 1 else None
    if intent == "rubric" and (match := RUBRIC_FOCUS.search(text)):
        kind = "dimension" if match.group("dim") else "level"
        return f"{kind}:{match.group('dim') or match.group('level')}"
    return None


def detect_audience(text: str) -> Audience | None:
    """The stakeholder a question names first, if any."""
    hits = [(m.start(), key) for key, p in AUDIENCE_PATTERNS if (m := p.search(text))]
    return min(hits)[1] if hits else None


__all__ = [
    "AUDIENCE_PATTERNS",
    "INTENT_RULES",
    "ORDINALS",
    "ORDINAL_WORDS",
    "VARIANT_PATTERNS",
    "classify_intent",
    "detect_audience",
]
