"""Cues for "does it pay": D7 measured, repeatable value and where it shows in the books.

Rows are (dimension, tag, polarity, weight, pattern), as in cues_use.py. Value counts when it
is measured (a change, against a baseline), repeated (tracked, reviewed) and booked (money,
a budget, the P&L); hours saved count as measured value and become financial once a budget,
the accounts or finance take them up.
"""

from __future__ import annotations

from .patterns import EFFECT_A, EFFECT_B, MONEY, QUANTITY

Row = tuple[str, str, int, float, str]

# Where value lands in the books: "the shared-services budget", "this year's merchandising
# P&L", "the cooperative accounts", "the 2024 plan".
_BOOKS = (
    r"(?:budgets?|p&l|p and l|(?<!customer )(?<!client )(?<!user )(?<!personal )(?<!test )"
    r"accounts|financials|outturn|cost base|run[- ]rate|(?:financial|budget|full-year|fy\d*)"
    r" forecast|(?:operating|financial|annual|business|budget|(?:19|20)\d\d) plan)"
)
_FINANCE = (
    r"(?:finance|the cfo|our cfo|fp&a|controlling|controller|the (?:it )?finance (?:team"
    r"|business partner|partner|committee)|finance guy|internal audit)"
)
# A number that changes: "41k/month -> 12k/month", "6 minutes instead of 19".
_FIGURE = r"[$\u20ac\u00a3]?\d[\d,.:]*\s?(?:%|k|m|bn|mio\.?|mn|hours?|days?|minutes?|mins?)?"

# One row per cue reads better than the formatter's five lines per row.
# fmt: off
VALUE_CUES: list[Row] = [
    ("D7", "measured", 1, 1.0,
     rf"\b{EFFECT_A}\b[^.;]{{0,50}}?(?<![\w.]){QUANTITY}|(?<![\w.]){QUANTITY}[^.;]{{0,20}}?"
     rf"\b{EFFECT_B}\b|\bused to (?:have|need|take|cost|spend)\b[^.;]{{0,20}}?{QUANTITY}"
     r"|\b(?:didn't|did not|no need to|never had to) (?:have to )?(?:hire|pay|buy|renew)\b"
     r"|\bavoided hiring\b|\b(?:stopped|no longer|not) (?:paying|refunding|buying|renewing)\b"
     r"|\broi (?:of|was|is) (?:about |around )?\d|\b\d[\d.]*\s?x roi\b|\bpayback (?:period )?"
     rf"(?:of|in|within|was) (?:about |around )?\d|(?<![\w.]){_FIGURE}(?:/\w+)?\s*(?:->|\u2192"
     rf"|=>)\s*{_FIGURE}|(?<![\w.]){_FIGURE}[^.;]{{0,12}}?\binstead of \d"),
    ("D7", "money", 1, 1.0,
     rf"{MONEY}[^.;]{{0,60}}?\b(?:a year|per (?:year|month|quarter)|a month|a quarter"
     r"|annual\w*|this year|last year|saving|savings|saved|reduction|reduced|less|lower"
     r"|avoided|recovered|retained|revenue|margin|profit|not refunding)\b|\b(?:saved|saving"
     r"|savings|reduction|reduced|cut|avoided|recovered|worth|valued (?:it )?at|put (?:the"
     rf" [\w ]+ )?at|attributes|freed up|down|fell|dropped|lower)\b[^.;]{{0,60}}?{MONEY}"
     # a cost line with figures that move: "detention fees 41k/month -> 12k/month"
     r"|\b(?:fees|costs?|spend|charges|penalt(?:y|ies)|fines|overtime|premiums?)\s+(?:[\w-]+\s+)?"
     rf"[$\u20ac\u00a3]?\d[\d,.]*\s?(?:k|m|bn)?(?:/\w+)?\s*(?:->|\u2192|=>)\s*{_FIGURE}"),
    ("D7", "baseline", 1, 1.0,
     r"\b(?:against|versus|vs\.?|compared (?:to|with)|relative to|than)\b[^.;]{0,40}?\b"
     r"(?:baseline|control|holdout|hold-out|before|previous|prior|last (?:year|yr)|the year"
     r" before|pre-launch|pre-rollout|the old|the rest|average|same (?:season|period|quarter"
     r"|month|week)s?|other clinics|neighbouring|matched|comparable|(?:19|20)\d\d)\b"
     r"|\bcontrol (?:group|fields|stores)\b|\bholdout\b|\brandomi[sz]ed\b|\ba/b test(?:ed|s)?\b"
     r"|\bbefore and after\b|\byear[- ]on[- ]year\b|(?-i:\bYoY\b)|\bbaseline\b"
     r"|\bcontrolled comparison\b|\b(?:used to|previously)\b[^.]{0,90}?\b(?:now|today)\b"),
    ("D7", "tracked", 1, 1.0,
     r"\b(?:tracked|tracks|reported|reports?|measured|goes through|go through|re-?measured?)"
     r"\b[^.;]{0,40}?\b(?:every|each|per|monthly|quarterly|weekly|annual(?:ly)?)\b"
     r"|\b(?:monthly|quarterly|weekly) (?:review|report|business review|kpis?|numbers"
     r"|board pack|p&l)\b|(?-i:\b(?:KPIs?|OKRs?)\b)|\bannual review\b"
     r"|\bcheck (?:this|these|them|the (?:numbers|figures|savings?|saving))\b[^.;]{0,30}?"
     r"\b(?:every|each)\b"),
    ("D7", "pnl", 1, 1.0,
     # "in any budget" is a denial's object, never a place where value shows
     r"\bp&l\b|\bp and l\b|\bprofit and loss\b|\b(?:in|into|for|within|against) (?!any |no )(?:the"
     r" |our |their |this year's |next year's |last year's |fy\d+ |(?:19|20)\d\d )?(?:[\w&'/-]+"
     rf" ){{0,3}}?{_BOOKS}\b|\b(?:visible|reflected|recogni[sz]ed|shows? up|booked|appears?)"
     rf" in (?:the |our )?(?:[\w&'/-]+ ){{0,3}}?{_BOOKS}\b|\bbudget\b[^.;]{{0,25}}?\b(?:reflects"
     r"|reduced|cut|lowered|line)\b|\bbudgeted\b|\bcost report\b|\bboard pack\b|\b(?:annual"
     rf"|last year's) accounts\b|\bbooked\b|\brun[- ]rate\b|\b{_FINANCE}\b"
     r"[^.;]{0,40}?\b(?:validated|confirmed|verified|signed off|audited|tracks?|reports?"
     r"|booked|valued|converted|put|worked out|accepted|reviews?|checks?)\b|\b(?:validated"
     r"|confirmed|verified|signed off|audited|valued|reviewed|tracked|checked) (?:[\w ]{0,25}? )?"
     r"by (?:the )?(?:finance|cfo|controlling|fp&a|controller)\b|\bper finance\b"
     r"|\baccording to (?:the )?finance\b|\bwith (?:the )?finance\b|\b(?:reports?|reported"
     r"|presents?|presented|submit(?:s|ted)?) (?:[\w ]{0,20}? )?to (?:the |our )?(?:cfo|finance"
     r"|controlling|fp&a)\b"),
    ("D7", "not_measured", -1, 1.0,
     r"\b(?:never|not|haven't|hasn't|didn't|don't|doesn't|no one has|nobody has|no-one has"
     r"|cannot|can't|couldn't|nothing)\b[^.;]{0,30}?\b(?:measured?|quantif(?:y|ied)|tracked|track"
     r"|compared|calculated|put a number|checked whether|looked at (?:whether|margin|the numbers"
     r"|what)|a/b tested|tested (?:it |this |them )?against|say what|say whether|know (?:if"
     r"|whether)|separate (?:that|it|the effect)|captured?)\b|\bno (?:baseline|measure(?:ment)?s?"
     r"|metrics|kpis?|numbers|data on (?:savings|value|impact)|idea (?:if|whether) it)\b"
     r"|\broi (?:is )?(?:tbd|unknown|unclear|to be determined)\b|\b(?:once|when|until|before)"
     r" (?:we|they|someone|anyone|finance) (?:\w+ ){0,3}?(?:measur|quantif|calculat)\w*\b"),
    ("D7", "not_in_books", -1, 1.0,
     r"\b(?:doesn't|does not|don't|not|never) (?:appear|show up|shows up)\b[^.;]{0,20}?\b"
     r"(?:cost report|p&l|budget|financials|accounts|any report)\b|\bfinance (?:does not"
     r"|doesn't|has not|hasn't) (?:track|seen|validated)\w*\b|\b(?:not|never|n't) (?:been )?"
     r"(?:turned|converted|translated|put) into (?:a |any )?(?:cash|money|monetary|financial"
     r"|pounds|euros|dollars|savings?|budget)\b|\b(?:not|never|n't|nobody has|no one has)\b"
     r"[^.;]{0,20}?\b(?:put|placed|attached|assigned) (?:a|any) (?:money|cash|monetary|financial"
     r"|pound|euro|dollar) (?:value|figure|number|amount)\b"),
    ("D7", "vague", -1, 0.5,
     r"\b(?:users?|people|staff|agents|technicians|team|everyone|they|customers|desk|buyers)"
     r" (?:love|like|liked|loved|enjoy|are happy with|seem to like|say it's great|likes)\b"
     r"|\b(?:positive|great) feedback\b|\bfeedback (?:has been|is|was) (?:\w+ )?positive\b"
     r"|\bsatisfaction\b|\bseems? (?:to )?(?:help|work)\b|\bthink it helps\b|\bjust works\b"),
    ("D7", "offline_metric", -1, 0.5,
     r"\b(?:accuracy|precision|recall|f1|auc|mape|rmse)\b|\bin (?:a )?simulation\b|\bsimulated"
     r"\b|\breplayed\b|\bon (?:the |a )?(?:test|validation) (?:set|split|data)\b"),
    ("D7", "projection", -1, 0.5,
     r"\b(?:projected|estimated|potential|expected|anticipated|forecasted|assumed|targeted)"
     r" (?:[\w-]+ ){0,2}?(?:savings?|benefits?|value|uplift|gains?|roi|reduction|impact"
     r"|return)\b|\bcould save\b|\bup to \d|\bdouble-digit\b"),
]
# fmt: on

__all__ = ["VALUE_CUES"]
