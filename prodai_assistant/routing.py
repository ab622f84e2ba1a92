"""Intent router: scope and injection gate, follow-up rewriting, rule-based intents. Pure.

Deterministic by design: every decision is a regex or word-set rule, so the same question and
history always route the same way, and the reason for each route is a readable string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .models import Audience, Intent, ScoredChunk
from .text import content_words, split_sentences, tokenize


@dataclass(frozen=True)
class Route:
    """Where a question goes and why."""

    intent: Intent
    standalone_question: str
    audience_hint: Audience | None = None
    reason: str = ""
    focus: str | None = None  # e.g. 'hallmark:3', 'variant:punchy', 'term:xops'
    rewritten: bool = False


def _alts(spec: str) -> re.Pattern[str]:
    """Compile ' | '-separated alternatives as whole words; a space also matches a hyphen."""
    parts = [p.strip().replace(" ", r"[\s-]+") for p in spec.split(" | ")]
    return re.compile("|".join(rf"(?<![\w&])(?:{p})(?![\w&])" for p in parts), re.IGNORECASE)


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instruction|rule|prompt|guideline"
    r"|direction|context|polic|guardrail|filter|above)|\b(reveal|show|print|repeat|leak|output|dump)\b"
    r".{0,30}\b(your|the|hidden|initial)\b.{0,20}\b(instructions|prompt|rules|configuration)\b"
    r"|</?\s*(system|assistant|context|instructions?)\s*>|\[/?inst\]|<\|im_start\|>"
    r"|\b(answer|respond|reply)\s+(to\s+)?(every|all|each|any)\s+(questions?|messages?)\s+with\b",
    re.IGNORECASE,
)
INJECTION_PHRASES = _alts(
    "disregard | system prompt | you are now | from now on (you|act|respond|answer) "
    "| developer mode | jail ?break\\w* | do anything now | pretend (to be|you are|you're) "
    "| role ?play\\w* | act as (if|an? (unfiltered|unrestricted|evil|different|new)) "
    "| (no|without) (any )?(restrictions|filters|guardrails|limits) | new instructions? "
    "| (ignore|forget|disregard) (everything|all|anything) (above|before|previous|prior|earlier"
    "|you were told) | act as (my|your|a|an) (personal|general|unrestricted|unfiltered|different"
    "|new)\\w*"
)
OFF_DOMAIN = _alts(
    "weather | forecast | temperature | rain(ing)? | snow(ing)? | sunny | football | soccer "
    "| basketball | baseball | cricket | tennis | nba | nfl | world cup | super bowl | olympics "
    "| premier league | who won | recipes? | cook(ing)? | bak(e|ing) | ingredients? "
    "| (write|generate|debug|fix|implement|refactor) .{0,40}(code|function|script|program|class"
    "|regex|sql|query|unit test|snippet) | (python|javascript|typescript|java|c\\+\\+|rust|golang"
    "|bash) (function|script|code|program|class) | capital of | population of "
    "| who (founded|invented|discovered|wrote|painted|is the president|was the) "
    "| when was .{0,40}(born|founded|invented) | (tallest|longest|largest|smallest) (mountain"
    "|river|country|building|animal|planet) | jokes? | poems? | haiku | songs? | lyrics "
    "| limerick | bedtime story | translate .{0,40}(into|to) (french|spanish|german|italian"
    "|chinese|japanese|portuguese|dutch|arabic|hindi|russian|korean|english) | horoscope "
    "| zodiac | lottery | bitcoin | stock price | crypto | square root | derivative | integral "
    "| solve for | equation | movies? | films? | tv show | celebrity | vacation"
)
ARITHMETIC = re.compile(
    r"^\s*(what\s+is|what's|calculate|compute)?\s*[-+*/x^().\d\s=]*\d\s*[-+*/x^]\s*\d"
    r"[-+*/x^().\d\s=]*\??\s*$",
    re.IGNORECASE,
)

# A question must use some of these words or phrases to count as in the domain.
DOMAIN_WORDS = _words(
    """ai a.i ml llm llms genai gen-ai agentic model models production productionise
    productionize pilot pilots poc pocs prototype prototypes demo demos sandbox xops mlops llmops
    aiops dataops roi p&l deploy deployed deploying deployment deployments governance governed
    govern audit audit-ready auditable cfo cto ceo board lob stakeholder stakeholders hallmark
    hallmarks rubric maturity operationalise operationalize operationalisation operationalization
    workflow workflows financials gartner tier-1 uptime chatbot copilot assistant automation
    automate automating machine-learning artificial intelligence predictive analytics inference
    embedded definition definitions punchy slideware buzzword buzzwords rubric criteria criterion
    dimension dimensions drift monitoring kpi okr sla slo runbook on-call compliance initiative
    initiatives experiment experiments production-ready production-grade productionised fail
    failure failures failed stall stalled stalls nanda statistics assessment assess assessed verdict
    evidence evidenced credit claimed variability d1 d2 d3 d4 d5 d6 d7 d8"""
)
DOMAIN_PHRASES = _alts(
    "proof of concept | machine learning | bottom line | line of business | technical debt "
    "| edge cases? | data pipelines? | business process\\w* | three part test | wired into "
    "| just a demo | visible in (your )?financials | (formal|slide|slideware|punchy) version "
    "| weakest link | use cases? | elevator pitch | supported by (your )?operations | red flags? "
    "| positive signals? | owned and supported"
)
GREETING = re.compile(
    r"^((hi|hello|hey|hiya|howdy|greetings|good\s+(morning|afternoon|evening)|thanks|thank\s+you)"
    r"(\s+there)?[\s!.,]*|(help|\?|menu|start)[\s!.?]*|((hi|hello|hey)[\s,!.]+)?(what\s+can\s+you"
    r"\s+do|what\s+do\s+you\s+do|who\s+are\s+you|how\s+do\s+(i|you)\s+(use|work)(\s+this|\s+you)?"
    r"|what\s+are\s+you|how\s+can\s+you\s+help(\s+me)?)[\s?!.]*)$",
    re.IGNORECASE,
)

AUDIENCE_PATTERNS: tuple[tuple[Audience, re.Pattern[str]], ...] = (
    ("ceo", _alts("ceos? | chief executive\\w* | board( of directors)?")),
    ("cfo", _alts("cfos? | chief financial( officer)? | finance( (team|leader|chief|head))?")),
    ("cto", _alts("ctos? | chief technology( officer)? | architects? | engineering (lead|head)s?")),
    (
        "lob",
        _alts(
            "lob | line of business( leaders?)? | business unit (leader|head)s? "
            "| operations leaders? | business leaders?"
        ),
    ),
)
VARIANT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("formal", _alts("formal\\w* | white ?papers? | academic")),
    ("slide", _alts("slides? | slideware | keynote | deck | presentation")),
    (
        "punchy",
        _alts(
            "punch(y|ier|iest) | one liner | elevator( pitch)? | short(er)? | snapp(y|ier) "
            "| tweet | catch(y|ier) | brief(er)? | in one sentence"
        ),
    ),
)
# Hallmark number -> words that point at it (used only once the hallmark intent is known).
HALLMARK_FOCUS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("1", _alts("first | 1st | one | deployed | real operations | sandbox")),
    ("2", _alts("second | 2nd | two | embedded | business process\\w*")),
    ("3", _alts("third | 3rd | three | reliab\\w* | governed | governance | xops")),
    ("4", _alts("fourth | 4th | last | repeatable | roi")),
)
BOTTOM_LINE_FOCUS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("1", _alts("wired( into)? | (your|real) data | first part")),
    ("2", _alts("supported by | (your )?operations | second part")),
    ("3", _alts("visible in | financials | third part")),
)
OVERALL_TEST = _alts("bottom line | three part test | (the|a) (simple |quick )?test | all three")
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
    ("rubric", _alts("d[1-8] | red flags? | positive signals? | maturity levels? [0-4] | weakest")),
    ("comparison", _alts("signs? | still a demo | (tell|know|check) (if|whether) .{0,40}demo")),
    (
        "variants",
        _alts(
            "versions? | formal | slides? | slideware | punch(y|ier) | one liner | elevator "
            "| short(er)? (version|definition) | ways to (define|say) | white ?paper | keynote"
        ),
    ),
    (
        "bottom_line",
        _alts(
            "bottom line | three part test | wired into | supported by (your )?operations "
            "| visible in (your )?financials | (the|a) (simple |quick )?test | just a demo "
            "| production ready | how (do|can|would|should) (i|we|you) (know|tell|check|judge) "
            "| (data|operations|financials) part | part (one|two|three|1|2|3)"
        ),
    ),
    (
        "statistics",
        _alts(
            "how many | percent\\w* | % | fail(s|ed|ure|ures)? | stall\\w* | gartner | mit "
            "| abandon\\w* | statistics? | figures | success rate | never reach\\w*"
        ),
    ),
    (
        "rubric",
        _alts(
            "rubric | maturity | levels? [0-4] | levels | criteri(a|on) | assess(ed|ing|ment)? "
            "| dimensions? | d[1-8] | weakest link | buzzwords? | scor(e|ed|ing)"
        ),
    ),
    (
        "hallmarks",
        _alts(
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
            + _alts("stakeholders? | executives? | leadership").pattern,
            re.IGNORECASE,
        ),
    ),
    (
        "comparison",
        _alts(
            "pilots? | pocs? | proof of concepts? | demos? | prototypes? | sandbox | versus "
            "| vs\\.? | difference | differ\\w* | compar\\w*"
        ),
    ),
    (
        "definition",
        _alts(
            "define | definition | meaning | mean | what (is|counts as) production ai "
            "| production ai"
        ),
    ),
)

# Words that do not carry a topic on their own (they refine the previous question).
FOLLOW_UP_FILLER = _words(
    """version versions one ones more detail details again instead shorter longer elaborate
    expand example examples matter matters mean means say put way then ok okay sure yes also now
    said answer word words go continue why"""
)
ANAPHOR = _alts(
    "that | this | it | its | those | them | these | they | mine | ours "
    "| the (other|last|next|same) | the (first|second|third|fourth)( one)?"
)
FOLLOW_UP_LEAD = re.compile(
    r"^((and|but|also|so|ok(ay)?|then|now)\b|(what|how)\s+about\b|same\s+(for|question)\b"
    r"|(in|for)\s+(the|a|an)\b)",
    re.IGNORECASE,
)
_NOT_TOPIC = (
    FOLLOW_UP_FILLER
    | ORDINALS.keys()
    | _words(
        """ceo cfo cto lob board finance architect leader leaders business line chief formal slide
    slides punchy punchier slideware short brief"""
    )
)
PRODUCTION_AI = _alts("production ai")
WHY = re.compile(r"^(and\s+)?(why|how\s+come)\b", re.IGNORECASE)
MORE = _alts("tell me more | more detail | elaborate | expand | go on | say more | examples?")
_DESCRIPTION_SUBJECT = _alts("we | our | the team | my team | the company | they")
_DESCRIPTION_VERB = _alts(
    "built | build | deployed | launched | uses? | used | runs? | running | trained | piloted "
    "| piloting | rolled out | integrated | handles | processes | serves"
)


def route(question: str, history: Sequence[dict[str, str]] | None = None) -> Route:
    """Route one (already cleaned) question, using earlier user turns to resolve follow-ups."""
    text = question.strip()
    if is_injection(text):
        return Route("out_of_scope", text, reason="injection")
    if GREETING.search(text):
        return Route("greeting", text, reason="greeting or help request")
    if _is_project_description(text):
        return Route("assessment", text, reason="looks like a project description")
    if is_off_domain(text):
        return Route("out_of_scope", text, reason="off_topic")
    previous = resolve_history(history or [])
    standalone = text
    if previous and is_follow_up(text):
        standalone = rewrite_follow_up(text, previous)
    rewritten = standalone != text
    if not in_domain(standalone):
        return Route("out_of_scope", standalone, reason="off_topic", rewritten=rewritten)
    intent, focus, why = classify_intent(standalone)
    return Route(intent, standalone, detect_audience(standalone), why, focus, rewritten)


def is_injection(text: str) -> bool:
    """Attempts to change, bypass or reveal the assistant's instructions."""
    return bool(INJECTION.search(text) or INJECTION_PHRASES.search(text))


def is_off_domain(text: str) -> bool:
    """Clearly unrelated requests (weather, sports, coding help, trivia, maths ...)."""
    return bool(OFF_DOMAIN.search(text) or ARITHMETIC.search(text))


def resolve_history(history: Sequence[dict[str, str]]) -> str | None:
    """The standalone form of the last in-scope user question in ``history``, or None."""
    resolved: str | None = None
    for turn in history:
        if turn.get("role") != "user":
            continue
        text = " ".join(str(turn.get("content", "")).split())
        if not text or is_injection(text) or GREETING.search(text):
            continue
        if _is_project_description(text):
            continue
        if resolved and is_follow_up(text):
            text = rewrite_follow_up(text, resolved)
        if in_domain(text) and not is_off_domain(text):
            resolved = text
    return resolved


def is_follow_up(text: str) -> bool:
    """True for short or pronoun-led questions that lean on the previous one."""
    topic = _topic_words(text)
    if not topic:
        return True  # "why?", "and the CTO?", "a punchier one?"
    if PRODUCTION_AI.search(text) and len(topic) >= 2:
        return False
    anaphor = bool(ANAPHOR.search(text))
    if in_domain(text) and not anaphor:
        return False
    if anaphor and len(topic) <= 2:
        return True
    return len(topic) <= 3 and bool(FOLLOW_UP_LEAD.search(text))


def rewrite_follow_up(text: str, previous: str) -> str:
    """Rewrite a follow-up into a standalone question using the previous standalone question."""
    follow = text.strip()
    if (audience := _find(AUDIENCE_PATTERNS, follow)) is not None:
        return _swap_audience(previous, audience[1])
    if (variant := _find(VARIANT_PATTERNS, follow)) is not None:
        return _variant_question(variant[0])
    if (ordinal := _ordinal(follow)) is not None:
        return _ordinal_question(previous, ordinal)
    if WHY.search(follow):
        return f"{_sentence(previous)} Why does this matter?"
    if MORE.search(follow):
        return f"{_sentence(previous)} Tell me more."
    return f"{_sentence(follow)} (Follow-up to: {_sentence(previous)})"


def _swap_audience(previous: str, new_span: str) -> str:
    found = _find(AUDIENCE_PATTERNS, previous)
    if found is not None:
        old = found[2]
        return previous[: old.start()] + new_span + previous[old.end() :]
    label = new_span if new_span.lower().startswith("the ") else f"the {new_span}"
    return f"{_sentence(previous).rstrip('?.!')}, explained for {label}?"


def _variant_question(variant: str) -> str:
    return f"What is the {variant} version of the Production AI definition?"


def _ordinal(text: str) -> int | None:
    match = re.search(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\b", text, re.IGNORECASE)
    if match:
        return ORDINALS[match.group(1).lower()]
    return 4 if re.search(r"\bthe\s+last(\s+one)?\b", text, re.IGNORECASE) else None


def _ordinal_question(previous: str, n: int) -> str:
    word = ORDINAL_WORDS[n - 1]
    intent = classify_intent(previous)[0]
    if intent == "bottom_line" and n <= 3:
        return f"What is the {word} part of the bottom-line test for Production AI?"
    if intent == "variants" and n <= 3:
        return _variant_question(("formal", "slide", "punchy")[n - 1])
    return f"What is the {word} hallmark of Production AI?"


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
        found = _find(VARIANT_PATTERNS, text)
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


def in_domain(text: str) -> bool:
    """True when the text uses the vocabulary of AI strategy and Production AI."""
    if DOMAIN_PHRASES.search(text) or detect_audience(text):
        return True
    return any(tok in DOMAIN_WORDS for tok in tokenize(text))


def _find(
    table: Iterable[tuple[str, re.Pattern[str]]], text: str
) -> tuple[str, str, re.Match[str]] | None:
    """First (key, matched text, match) of a keyed pattern table, by earliest position."""
    hits = [(m.start(), key, m) for key, p in table if (m := p.search(text))]
    if not hits:
        return None
    _, key, match = min(hits, key=lambda h: (h[0], h[1]))
    return key, match.group(0), match


def _topic_words(text: str) -> list[str]:
    """Content words that name a topic (not an audience, a variant, an ordinal or filler)."""
    return [w for w in content_words(text) if w not in _NOT_TOPIC]


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith(("?", ".", "!")) else f"{text}?"


def _is_project_description(text: str) -> bool:
    """Pasted project descriptions go to the classifier, not to retrieval."""
    if is_single_question(text):
        return False  # "How do we explain our pilot to the board?" asks, it does not describe
    try:
        from .classifier import looks_like_project_description
    except ImportError:
        return looks_like_description(text)
    return bool(looks_like_project_description(text))


OWN_PROJECT = re.compile(
    r"\b(is|are)\s+(our|my|this|it)\b.{0,60}\b(demo|production|pilot|real)"
    r"|\b(our|my)\b.{0,40}\b(is|are)\b.{0,30}\b(demo|production|pilot|real)",
    re.IGNORECASE,
)


def asks_about_own_project(text: str) -> bool:
    """'Is our chatbot a demo?' without a description: the classifier could answer better."""
    return bool(OWN_PROJECT.search(text))


def is_single_question(text: str) -> bool:
    """One sentence that ends with a question mark."""
    return text.rstrip().endswith("?") and len(split_sentences(text)) <= 1


def looks_like_description(text: str) -> bool:
    """Fallback heuristic: several sentences in the first person about a system that exists."""
    words = tokenize(text)
    if len(words) < 30:
        return False
    return bool(_DESCRIPTION_SUBJECT.search(text) and _DESCRIPTION_VERB.search(text))


# Words too common in the corpus to show that a chunk is about the question.
GENERIC_WORDS = _words("ai production demo demos project projects model models business use")
# Words of the question's frame, not of its topic.
FILLER_WORDS = _words(
    """define definition defined mean means meaning explain describe difference different differ
    compare role matter matters work works way ways best good need needs know make makes get
    really actually much thing things kind sort example examples tell show give help say sentence
    sentences word words paragraph short follow-up relate relates related"""
)


def _key(word: str) -> str:
    """A crude stem for matching: possessive dropped, first five letters kept."""
    word = re.sub(r"['’]s$", "", word)
    return word[:5] if len(word) > 5 else word


@lru_cache(maxsize=8)
def _vocabulary_keys(vocabulary: frozenset[str]) -> frozenset[str]:
    return frozenset(_key(w) for w in vocabulary)


def question_specifics(question: str) -> set[str]:
    """Stems of the question's distinctive words (not generic, domain or filler words)."""
    skip = GENERIC_WORDS | DOMAIN_WORDS | FILLER_WORDS
    text = DOMAIN_PHRASES.sub(" ", question)
    for _, pattern in AUDIENCE_PATTERNS:
        text = pattern.sub(" ", text)
    words = (re.sub(r"['’]s$", "", w) for w in content_words(text))
    return {_key(w) for w in words if w not in skip}


def evidence_refusal(
    question: str,
    retrieved: Sequence[ScoredChunk],
    vocabulary: frozenset[str],
    *,
    best_dense: float | None,
    min_dense: float,
    intent: Intent = "general",
) -> str | None:
    """Why the knowledge base cannot support an answer ('no_evidence', 'unknown_entity')."""
    if not retrieved:
        return "no_evidence"
    specific = question_specifics(question)
    topical = specific | question_domain_stems(question)
    support = {stem for s in retrieved[:3] for stem in _shared(topical, s)}
    if best_dense is not None and best_dense < min_dense and len(support) < 2:
        return "no_evidence"  # weak meaning match, and too few of the question's words either
    if intent == "general":
        unknown = specific - _vocabulary_keys(vocabulary)
        if len(unknown) >= 2 and 2 * len(unknown) > len(specific):
            return "no_evidence"  # most of what the question is about is never mentioned
        if topical and not support:
            return "no_evidence"  # no intent matched and no retrieved chunk is about it
    return "unknown_entity" if unknown_specifics(question, vocabulary) else None


def question_domain_stems(question: str) -> set[str]:
    """Stems of the question's domain words (not the ubiquitous ones)."""
    words = (re.sub(r"['’]s$", "", w) for w in content_words(question))
    return {_key(w) for w in words if w in DOMAIN_WORDS and w not in GENERIC_WORDS}


def _shared(stems: set[str], scored: ScoredChunk) -> set[str]:
    words = content_words(f"{scored.chunk.section} {scored.chunk.text}")
    return stems & {_key(w) for w in words}


def unknown_specifics(question: str, vocabulary: frozenset[str]) -> list[str]:
    """Names and numbers in the question that the knowledge base never mentions."""
    specifics: list[str] = []
    for match in re.finditer(r"[A-Za-z0-9][\w&'’.-]*", question):
        raw = match.group(0).rstrip(".'’")
        word = re.sub(r"['’]s$", "", raw.lower())
        before = question[: match.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?:;\"'“(\n"
        is_number = any(ch.isdigit() for ch in word)
        is_name = not sentence_start and raw[0].isupper() and not raw.isupper()
        if (is_number or is_name) and word not in vocabulary and word not in DOMAIN_WORDS:
            specifics.append(raw)
    return specifics


__all__ = [
    "Route",
    "asks_about_own_project",
    "classify_intent",
    "detect_audience",
    "evidence_refusal",
    "in_domain",
    "is_follow_up",
    "is_single_question",
    "looks_like_description",
    "question_domain_stems",
    "question_specifics",
    "resolve_history",
    "rewrite_follow_up",
    "route",
    "unknown_specifics",
]
