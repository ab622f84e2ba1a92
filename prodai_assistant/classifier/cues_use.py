"""Cues for "is it really used": D1 live, D8 variability, D2 embedded, D3 data.

Rows are (dimension, tag, polarity, weight, pattern); weight 1.0 is a strong, specific signal
and 0.5 a weak one. Patterns are compiled case-insensitively (names use ``(?-i:...)``).
"""

from __future__ import annotations

from .patterns import (
    DATA_SYSTEMS,
    MONTH,
    NUM,
    PEOPLE,
    PERIOD,
    PRODUCT,
    SYSTEM,
    SYSTEM_NAMES,
    UNIT,
)

Row = tuple[str, str, int, float, str]

# One row per cue reads better than the formatter's five lines per row.
# fmt: off
USE_CUES: list[Row] = [
    # ---- D1 live in real operations -------------------------------------------------
    ("D1", "volume", 1, 1.0,
     rf"(?<![$\u20ac\u00a3\w.,]){NUM}\s+(?:[\w'-]+\s+){{0,3}}?{UNIT}\b[^.;]{{0,30}}?{PERIOD}"),
    ("D1", "volume", 1, 1.0,
     rf"(?<![$\u20ac\u00a3\w.,]){NUM}\s*(?:(?!(?:hours|minutes|days|weeks|months|years|seconds"
     rf"|mins|hrs)\b)[\w-]+s\s*)?{PERIOD}"),
    ("D1", "population", 1, 1.0,
     r"\b(?:all|every|each)(?: of)?(?: (?:our|the|its|their))? \d[\d,]*(?: of (?:our|the))?"
     r"\s+[\w-]+"),
    ("D1", "population", 1, 0.5,
     rf"\b(?:all|every|each)(?: one)?(?: of)?(?: (?:our|the|its|their))?\s+"
     rf"(?:[\w'-]+\s+){{0,2}}?{UNIT}\b"),
    ("D1", "population", 1, 1.0,
     r"\b(?:to|for|across|by) (?:everyone|everybody|all (?:our )?(?:staff|employees|users"
     r"|customers|agents|teams|stores|branches|sites|regions|markets|departments|colleagues)"
     r"|the whole (?:company|team|organi[sz]ation|business|group|department|sales org))\b"
     r"|\b(?:company|organi[sz]ation|enterprise|group)-wide\b"),
    ("D1", "live", 1, 0.5,
     r"\b(?:went|gone|been|is|are|was|were|now|running|runs?) live\b|\blive (?:in|on|across"
     r"|for|at|since)\b|(?<![-\w])(?:in|into) production\b(?![- ](?:ready|grade))"),
    ("D1", "launched", 1, 0.5,
     r"\b(?:launched|rolled (?:it |them )?out|went into (?:service|use|operation)|put (?:it )?"
     r"into (?:service|use|production)|switched (?:it )?on|turned (?:it )?on|enabled (?:it )?"
     r"(?:for|across|in)|deployed (?:to|across|in|on|for|at|into)|go-live (?:was|in|last)"
     r"|(?:since|after) go-live)\b"),
    ("D1", "routine_use", 1, 1.0,
     r"\b(?:is|are|has become|became) (?:now )?(?:simply |just )?(?:how|the way) (?:we|they|our"
     r"|the|staff|people|teams?)\b"),
    ("D1", "routine_use", 1, 1.0,
     r"\bin (?:routine|daily|everyday|day-to-day|regular|full|active) (?:use|care|service"
     r"|operation|operations)\b|\bbusiness as usual\b|\bhow (?:we|the \w+(?: \w+)?|our \w+"
     r"(?: \w+)?|they) works?\b|\bpart of how\b|(?-i:\bBAU\b)"),
    ("D1", "in_use", 1, 0.5,
     r"\b(?:in use|been using|have used|has used|been used|(?:we|they|people|staff|everyone)"
     r" use it|relies on it|rely on it|used by)\b"),
    ("D1", "since", 1, 0.5,
     rf"\bsince (?:early |late |mid-?|the end of |the start of )?(?:{MONTH}\s*(?:(?:19|20)\d\d)?"
     r"|(?:19|20)\d\d|last \w+|(?:spring|summer|autumn|fall|winter)(?: (?:19|20)\d\d)?|launch"
     r"|go-live|(?:we|it) (?:\w+ ){0,3}?(?:switched|turned|rolled|launched|started|went"
     r"|introduced|deployed|put|began|moved)\b)"),
    ("D1", "duration", 1, 0.5,
     r"\bfor (?:about |around |over |nearly |almost |more than |the (?:last|past) )?(?:\d+"
     r"|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|several"
     r"|many) (?:full )?(?:months|years|year|seasons|quarters)\b|\b(?:over|more than) a year"
     r"\b|\bfor most of (?:this|the) year\b|\b(?:\d+|two|three|four|five) (?:years|seasons)"
     r" (?:now|ago)\b"),
    ("D1", "frequency", 1, 0.5,
     r"\b(?:every|each) (?:single )?(?:day|morning|evening|afternoon|shift|working day"
     r"|business day|weekday)\b|\bon (?:every|both|all) shifts?\b|\baround the clock\b"
     r"|\bday in,? day out\b|\bdaily\b|\bovernight\b"),
    ("D1", "real_users", 1, 0.5,
     r"\b(?:real|actual|live|paying|external) (?:customers?|users?|traffic|calls|patients"
     r"|transactions|cases|claims|orders|requests|conversations|onboarding files|invoices)\b"
     r"|\bcustomer-facing\b|\bin real time\b|\breal-time\b|\b(?:our|their) (?:own )?customers\b"
     r"|\bcustomers['\u2019]"),
    ("D1", "real_users", 1, 0.5,
     rf"\b\d[\d,]* (?:[\w-]+ )?{PEOPLE}\b|\b\d+(?:\.\d+)?% of (?:our |all )?(?:customers|users"
     r"|traffic|visitors|calls|orders|requests|chats|members|readers|patients)\b"),
    ("D1", "graduated", 1, 1.0,
     r"\bno longer (?:a |an |in )?(?:pilot|trial|experiment|prototype|poc)\b|\b(?:out of"
     r"|beyond|graduated from|moved past) (?:the |its )?(?:pilot|trial|poc)\b"),
    ("D1", "sandbox", -1, 1.0,
     r"\b(?:sandbox|staging(?: environment| cluster| server)?|pre-?production|pre-?prod|uat"
     r"|test (?:environment|env|tenant|server|instance|cluster)|dev(?:elopment)? environment"
     r"|lab environment|innovation lab)\b"),
    ("D1", "concept", -1, 1.0,
     r"\b(?:hackathon|proof[- ]of[- ](?:concept|value)|poc|prototype[ds]?|mock-?ups?"
     r"|demo(?:ed|s)?|showcase[ds]?|wow (?:moment|demo))\b"),
    ("D1", "dev_machine", -1, 1.0,
     r"\b(?:jupyter|colab|notebooks?|streamlit app|gradio)\b|\b(?:on|from|off) (?:my|his|her"
     r"|their|a|an|someone's|one person's) (?:own )?(?:laptop|machine|desktop|pc|computer)\b"),
    ("D1", "pilot", -1, 1.0,
     r"\b(?:pilot(?:s|ed|ing)?|trial(?:s|led|ed|ing)?|field trial|beta|early access"
     r"|experiment(?:s|al|ing)?|mvp|limited (?:rollout|release)|soft launch|time-boxed"
     r"|shadow (?:mode|deployment)|test (?:stores?|sites?|fields|group|branches)|tak(?:e|es"
     r"|ing) part|until the (?:evaluation|review|end of the (?:trial|test|pilot))|(?:\d+|two"
     r"|three|four|five|six|a few|some) of (?:our|the) \d[\d,]*)\b"),
    ("D1", "limited", -1, 1.0,
     r"\b(?:internal testers|test accounts|(?:only|just) (?:\d+|a few|a handful of|a couple"
     r" of|five|ten|\w+) (?:users|testers|people|engineers|analysts|agents|reps|colleagues)"
     r"|a handful of (?:users|reps|people|testers)|tested (?:it )?(?:on|with) (?:\d+|a few"
     r"|a handful)|\d+ test (?:questions|prompts|cases|examples|samples)|(?:project|innovation"
     r"|core|pilot) team (?:use|uses|tried|tested)|no users)\b"),
    ("D1", "showed_leaders", -1, 1.0,
     r"\b(?:showed|presented|pitched) (?:it |the \w+ )?(?:to|at) (?:the )?(?:board|leadership"
     r"|management|exec\w*|an all-hands|offsite|analytics guild|guild)\b|\b(?:leadership|the"
     r" board|the vp|the ceo|the chro|the cfo|management) (?:loved|liked|was impressed)\b"),
    # ---- D8 copes with real-world variability ---------------------------------------
    ("D8", "exceptions", 1, 1.0,
     r"\bonly (?:touch|handle|review|see|deal with|look at|check)(?:es|s)? (?:the )?(?:exceptions"
     r"|flagged|edge cases)\b|\b(?:passes|pass|hands?|routes?|sends?|escalates?|refers?"
     r"|forwards?) (?:on )?(?:anything|everything|whatever|the ones|those|the rest)\b[^.;]{0,50}?"
     r"\bto (?:a|an|the|our)\b"),
    ("D8", "exceptions", 1, 1.0,
     r"\b(?:low[- ]confidence|uncertain|unsure|not sure|isn't sure|the rest|exceptions?"
     r"|anything above the threshold|edge cases?)\b[^.;]{0,40}?\b(?:go(?:es)? to|sent to"
     r"|routed to|hand(?:s|ed)? (?:\w+ )?to|queued for|held|for (?:a |an )?(?:human|person"
     r"|analyst|agent|reviewer)|look at)\b|\bonly (?:look at|checks?) the (?:ones|flagged)\b"),
    ("D8", "live_eval", 1, 1.0,
     r"\b(?:evaluated|tested|measured|monitored|audited) (?:\w+ )?on (?:a sample of )?(?:live"
     r"|production|real) (?:traffic|data|cases)\b|\bregression (?:tests?|set|suite|evals?)\b"
     r"|\bfeedback loop\b|\b(?:decisions|labels|outcomes) (?:flow|feed) back\b|\bper[- ]"
     r"(?:segment|region|language|market) (?:metrics|accuracy|performance)\b"),
    ("D8", "happy_path", -1, 1.0,
     r"\b(?:cherry[- ]picked|hand[- ]picked|happy path|worked in the demo|curated (?:examples"
     r"|set|demo))\b"),
    # ---- D2 embedded in workflows and systems -------------------------------------
    ("D2", "written_back", 1, 1.0,
     r"\b(?:writes?|wrote|written|posts?|posted|push(?:es|ed)?|feeds?|fed|sends?|sent|creates?"
     r"|created|opens?|opened|populates?|pre-?fills?|pre-?filled|auto-?fills?|fills? in"
     r"|updates?|routes?|routed|queues?|queued|tags?|tagged|assigns?|files?|attach(?:es|ed)"
     r"|adds?|moves?|moved|puts?|drops?|shows? up|appears?|lands?|go(?:es)?|carry|carries"
     r"|serv(?:es|ing)|gets?|receives?|deliver(?:s|ed)?|prioriti[sz]\w+|rank(?:s|ed|ing)?"
     r"|sort(?:s|ed|ing)?|order(?:s|ed|ing)?|flags?|flagged|loads|loaded|fills?|syncs?"
     r"|synced)\b"
     rf"[^.;]{{0,60}}?\b(?:in|into|inside|within|on|onto|to|at the top of)\s+(?:the |our |their "
     rf"|its |each |every |a |an )?(?:[\w'&-]+ ){{0,3}}?{SYSTEM}\b"),
    # A result produced or seen inside a system (not "generated on an export").
    ("D2", "written_back", 1, 1.0,
     r"\b(?:drafts|drafted|generat(?:es|ed)|produc(?:es|ed)|propos(?:es|ed)|suggest(?:s|ed)"
     r"|shows?|shown|displays?|displayed|surfac(?:es|ed)|sees?|visible)\b[^.;]{0,60}?\b(?:in"
     rf"|into|inside|within|at the top of)\s+(?:the |our |their |its |each |every |a |an )?"
     rf"(?:[\w'&-]+ ){{0,3}}?{SYSTEM}\b"),
    ("D2", "written_back", 1, 1.0,
     r"\b(?:writes?|written|wrote|posts?|posted|push(?:es|ed)?|loads?|loaded|syncs?|synced"
     rf"|inserted)\b[^.;]{{0,40}}?\b(?:to|into) (?:the |our )?{PRODUCT}"),
    ("D2", "inside_tools", 1, 1.0,
     rf"\b(?:inside|within) (?:the |our |their )?(?:[\w'&-]+ ){{0,2}}?(?:{SYSTEM}|{PRODUCT})"
     r"|\b(?:assistant|bot|chatbot|model|agent|copilot|feature|engine) (?:in|inside|within)"
     rf" (?:the|our|their) (?:[\w'&-]+ ){{0,3}}?{SYSTEM}\b"),
    ("D2", "inside_tools", 1, 1.0,
     r"\b(?:sits?|runs?|lives?|built|embedded|integrated|integration|plugged|wired|baked"
     r"|hooked(?: up)?"
     rf"|connected)\s+(?:in|into|inside|within|with|to)\s+(?:the |our |their |its |a )?"
     rf"(?:[\w'&-]+ ){{0,3}}?{SYSTEM}\b"),
    ("D2", "inside_tools", 1, 1.0,
     r"\b(?:inside|in|within|into) (?:the |their |our )?(?:screens?|tools?|apps?|systems?"
     r"|software|helpdesk|inbox)(?: that)? (?:they|people|agents|staff|handlers|users|teams"
     r"|our \w+(?: \w+)?) (?:already )?(?:use|work in|work from|live in|rely on)\b"
     r"|\balready (?:uses?|works? (?:in|from|with)|works\b|relies? on|rely on|lives? in)"),
    ("D2", "manual_removed", 1, 1.0,
     r"\b(?:no longer|nobody|no one|no-one|none of (?:us|them|the \w+)|don't have to"
     r"|doesn't have to|no need to|never have to|without (?:anyone|people|staff|planners"
     r"|agents))\b[^.;,]{0,25}?\b(?:by hand|manually|from scratch|re-?key\w*|re-?type\w*"
     r"|typ(?:e|es|ing)|cop(?:y|ies|ying)|sort\w*|triag\w+|check\w*|read\w*|enter\w*"
     r"|key\w*|touch\w*)\b|\bwithout (?:a human|human (?:help|intervention|involvement)"
     r"|anyone touching|manual (?:work|steps?|effort|intervention))\b"),
    ("D2", "manual_removed", 1, 1.0,
     r"\b(?:used to|previously|before(?: it| that| this)?,?|in the past|than when)\b[^.;]{0,60}?"
     r"\b(?:by hand|manually|themselves)\b|\b(?:stopped|stop) (?:doing|typing|copying|checking"
     r"|keying|sorting|reading|entering|writing)\w*\b|\binstead of (?:manually|by hand|typing"
     r"|copying|keying|reading|sorting)\b|\breplac(?:ed|es|ing) (?:the |our |a )?(?:manual"
     r"|random|paper|spreadsheet|old|legacy)\b|\bskip(?:s|ped|ping)? (?:the |a |their )?(?:\w+ )?"
     r"(?:manual|human) (?:step|screen|check|review|entry|triage)\b"
     r"|\b(?:straight|directly) (?:in|on)?to (?:the|our"
     r"|their|its|each|every|a|an)\b|\bstraight-through\b"),
    ("D2", "automatic", 1, 0.5,
     r"\bautomatic(?:ally)?\b|\bon its own\b"),
    ("D2", "team_use", 1, 0.5,
     r"\b(?:team|teams|agents|reps|staff|analysts|handlers|planners|buyers|underwriters"
     r"|nurses|clinicians|radiologists|engineers|technicians|drivers|bakers|dispatchers"
     r"|recruiters|lawyers|developers|managers|advis[eo]rs|operators|investigators|traders)\b"
     r"[^.;]{0,40}?\b(?:use|uses|used|rely on|relies on|work (?:in|from)|works (?:in|from)"
     r"|follow|follows|sort|see|sees|start (?:their|the) day|have been using|act on)\b"),
    ("D2", "workflow", 1, 1.0,
     r"\bpart of (?:the |their |our |how |everyday |daily |the daily |normal )(?:[\w-]+ ){0,2}"
     r"(?:workflow|process|routine|day|work|works|screen|flow|operations)\b|\b(?:inside|in)"
     r" the (?:authori[sz]ation|approval|checkout|order|claims?|payment|onboarding|booking)"
     r" (?:flow|process|workflow)\b|\b(?:called|invoked|used) by (?:the |our |another )?"
     r"(?:[\w-]+ )?(?:service|system|app|application|api)\b|\bwork(?:s|ing)? (?:the|their"
     r"|from the|through the) (?:queue|worklist|list|call list)\b"),
    ("D2", "system_named", 1, 0.5,
     rf"{SYSTEM_NAMES}|\b(?:in|inside|within) (?:our|their) (?:[\w'&-]+ ){{0,2}}?{SYSTEM}\b"),
    ("D2", "copy_paste", -1, 1.0,
     r"\bcop(?:y|ies|ied|ying)[- ](?:and[- ])?past(?:e|es|ed|ing)\b|\bcop(?:y|ies|ied|ying)"
     r" (?:[\w'-]+ ){0,4}?(?:into|over to|across to|in)\b|\bpast(?:e|es|ed|ing) (?:[\w'-]+ )"
     r"{0,5}?into\b|\bkey(?:s|ed|ing)? (?:[\w'-]+ ){0,2}?in (?:themselves|by hand|manually)\b"
     r"|\bre-?key\w*\b"),
    ("D2", "manual_step", -1, 0.5,
     r"\b(?:by hand|manually)\b"),
    ("D2", "file_handoff", -1, 1.0,
     r"\b(?:e-?mails?|e-?mailed|sends?|sent|shares?|shared|downloads?|downloaded|uploads?"
     r"|uploaded|exports?|exported)\b[^.;]{0,40}?\b(?:spreadsheets?|csv|excel|files?|lists?"
     r"|results|scores|predictions|numbers|outputs?)\b"),
    ("D2", "separate_tool", -1, 0.5,
     r"\b(?:separate|standalone|stand-alone|second|another|extra) (?:web )?(?:page|portal|app"
     r"|application|tool|screen|website|window|tab|login|system|ui)\b"),
    ("D2", "unused", -1, 1.0,
     r"\b(?:nobody|no one|no-one) (?:opens|uses|looks at|reads)\b|\b(?:don't|doesn't|do not"
     r"|does not|never) (?:go|goes) anywhere\b|\bdo(?:es)? not affect (?:any |the )?"
     r"(?:decisions?|process|outcomes?)\b|\bonly (?:written|logged|stored) (?:to|in)\b"
     r"|\bstill (?:use|uses|reads?|do|does|work|works|rely on|relies on|checks?)\b[^.;]{0,40}?"
     r"\b(?:old|themselves|by hand|manually|legacy|previous)\b"
     r"|\b(?:have|has)(?: not|n't) (?:seen|used) it\b"),
    # ---- D3 wired into real data ------------------------------------------------------
    ("D3", "feed", 1, 1.0,
     r"\b(?:nightly|hourly|daily|real-time|realtime|streaming|live|automated|automatic"
     r"|scheduled|continuous)\s+(?:[\w-]+ )?(?:feeds?|loads?|syncs?|pipelines?|ingestion"
     r"|extracts?|refresh|streams?)\b"),
    ("D3", "feed", 1, 1.0,
     r"\b(?:reads?|pulls?|pulled|draws?|fed|feeds?|streams?|streamed|ingests?|ingested|comes?"
     r" (?:straight |directly )?from|came from|lands? (?:through|in|via)|connected to"
     r"|connects to|wired (?:in)?to|hooked (?:up )?(?:to|into)|sourced from|using (?:live"
     r"|real-time|our)|from (?:the|our)|via (?:our|the))\b[^.;]{0,60}?\b" + DATA_SYSTEMS + r"\b"),
    ("D3", "feed", 1, 1.0,
     r"\b(?:loaded|ingested|flows?|arrives?|comes?|lands?|fed|synced|streamed) (?:in )?(?:through"
     r"|via|by) (?:our|the|a|an) (?:[\w-]+ ){0,3}?(?:pipelines?|feeds?|etl|integration|apis?"
     r"|interface|connector)\b|\b(?:refreshed|updated|synced|reloaded|replicated) (?:automatically"
     r" )?(?:hourly|daily|nightly|weekly|every \w+|each \w+)\b|\b(?:data|readings|signals|output)"
     r" (?:of|from) (?:the |our |its |every )?(?:[\w-]+ ){0,2}?(?:sensors?|meters?|telematics"
     r"|scada|plc|historian|devices|cameras|scanners)\b"),
    ("D3", "validation", 1, 1.0,
     r"\b(?:data (?:validation|quality(?: checks?)?|contracts?|lineage|catalog)|validation"
     r" checks|lineage|great expectations|feature store|schema checks|(?:validation|reconciliation"
     r"|data[- ]quality|completeness) (?:checks?|rules|reports?|tests))\b"),
    ("D3", "privacy", 1, 0.5,
     r"\b(?:pii|personal data) (?:masking|redaction|is removed|is masked|minimi[sz]\w+)"
     r"|\bpseudonymi[sz]\w+|\banonymi[sz]\w+"),
    ("D3", "real_data", 1, 0.5,
     r"\b(?:live|real|production|historical|actual|own|last (?:year|month)['\u2019]s)"
     r" (?:[\w-]+ )?(?:data|records|transactions|traffic|claims|tickets|invoices|files|images"
     r"|footage|pages|documents|e-?mails|traces|logs|notes|content|articles)\b|\b(?:\d+|two"
     r"|three|four|five|ten) years of (?:our |\w+ )?(?:data|history|sales|transactions"
     r"|records|claims)\b|\b(?:appointment|sales|order|claims?|transaction|usage|billing"
     r"|policy) (?:history|data)\b"),
    ("D3", "synthetic", -1, 1.0,
     r"\bsynthetic\b|\b(?:dummy|fake|mock|toy|made-up|generated) (?:data|records|dataset"
     r"|images|customers|transactions)\b|\bsample (?:data|dataset|files|records|transcripts"
     r"|documents|set|photos|images)\b|\bsample \w+ (?:transcripts|files|records|documents)\b"
     r"|\bpublic (?:[\w-]+ )?(?:dataset|data)\b|\bkaggle\b"
     r"|\bno access to (?:real|production|live) data\b"),
    ("D3", "static_export", -1, 0.5,
     r"\b(?:one-off|one off|static|manual|weekly|monthly) (?:export|extract|dump|snapshot"
     r"|upload)s?\b|\b(?:an? )?(?:export|extract|dump|snapshot|copy) (?:from|of)\b"
     r"|\bexported (?:weekly|monthly|for me|by hand|manually)\b|\ba (?:csv|spreadsheet"
     r"|excel file)\b|\bcsv\b|\bpdfs?\b"),
]
# fmt: on
