"""Cues for "is it run": D4 xOps, D5 governance, D6 ownership (D7 value is in cues_value.py).

Rows are (dimension, tag, polarity, weight, pattern), as in cues_use.py.
"""

from __future__ import annotations

Row = tuple[str, str, int, float, str]

_GOV_BODY = (
    r"(?:risk|compliance|legal|privacy|security|infosec|information security|model risk"
    r"(?: management)?|mrm|audit|internal audit|ethics|ai governance(?: board)?|governance"
    r"(?: board| committee)?|architecture(?: board)?|works council|data protection(?: office"
    r"| officer)?|dpo|clinical safety(?: officer)?|safety management|change advisory board"
    r"|ot security|regulators?|ciso|cro|chief risk officer|risk officer|compliance officer"
    r"|legal counsel|(?:external )?auditors?|external audit)"
)
_ROLE = (
    r"(?:human|person|lawyer|radiologist|clinician|physician|underwriter|analyst|agent"
    r"|reviewer|nurse|pharmacist|advis[eo]r|safety physician|planner|engineer|handler)"
)

# One row per cue reads better than the formatter's five lines per row.
# fmt: off
RUN_CUES: list[Row] = [
    # ---- D4 operated through xOps ----------------------------------------------------
    ("D4", "monitoring", 1, 0.5,
     r"\b(?:monitor(?:s|ed|ing)?|dashboards?|observability|tracing|traced|health checks?"
     r"|telemetry|keeps? an eye on)\b"),
    ("D4", "monitoring", 1, 1.0,
     r"(?-i:Datadog|Grafana|Prometheus|New Relic|Splunk|CloudWatch|Azure Monitor|Arize"
     r"|Evidently|WhyLabs|Fiddler|LangSmith|Langfuse|Looker)"),
    ("D4", "alerting", 1, 1.0,
     r"\balert(?:s|ing|ed)?\b|\balarms?\b|\bpag(?:es|ing)\b(?= (?:the|an?|our|whoever|someone"
     r"|somebody|on-?call)\b)|\b(?:gets?|got|are|is|be|been) paged\b|\bpaged\b(?= (?:if|when"
     r"|whenever|on)\b)|\bgets? (?:a |an )?(?:message|text"
     r"|notification|ping|call|e-?mail)\b[^.;]{0,40}?\b(?:if|when)\b"),
    ("D4", "drift", 1, 1.0,
     r"\bdrift\w*\b"),
    ("D4", "cicd", 1, 1.0,
     r"(?-i:\bCI\b)|\bci/cd\b|\bcontinuous (?:integration|delivery|deployment)\b"
     r"|\b(?:automated|automatic) (?:tests?|testing|validation|evaluations?|checks?"
     r"|back-?tests?|model checks)\b|\bruns? on every (?:merge|commit|release|pull request"
     r"|change)\b|\bevaluation harness\b|\bapproval gates?\b|\bregression (?:set|suite|tests?)"
     r"\b|\breleases? (?:go(?:es)? )?through\b|\breleased through\b|\bsystem validation\b"),
    ("D4", "registry", 1, 1.0,
     r"\b(?:model )?registry\b|\bmlflow\b|\bversion(?:ed|ing)\b|\bversion control\b"),
    ("D4", "retraining", 1, 1.0,
     r"\bre-?train(?:s|ed|ing)?(?: (?:it|them|the model))? (?:every|each|weekly|monthly"
     r"|quarterly|nightly|daily|automatically|on a schedule|after)\b|\b(?:weekly|monthly"
     r"|nightly|daily|scheduled|automated|automatic) re-?training\b|\bretraining is scheduled\b"),
    ("D4", "oncall", 1, 1.0,
     r"\bon-?call\b|\bpagerduty\b|\bopsgenie\b|\brota\b|\b24/7\b|\bpager\b"),
    ("D4", "runbook", 1, 1.0,
     r"\brun-?books?\b|\bplaybooks?\b"),
    ("D4", "sla", 1, 1.0,
     r"(?-i:\bSL[AO]s?\b)|\bservice level\b|\buptime\b|\b\d+(?:\.\d+)?% availability\b"),
    ("D4", "incident", 1, 1.0,
     r"\bincident (?:process|management|response|review|procedure)\b|\bpost-?mortems?\b"),
    ("D4", "release", 1, 1.0,
     r"\bcanary\b|\bblue[- ]green\b|\brollback\b|\broll back\b|\bfeature flags?\b"),
    ("D4", "infra", 1, 0.5,
     r"\bterraform\b|\bkubernetes\b|\bcontaineri[sz]ed\b|\bautoscaling\b|\bairflow\b"),
    ("D4", "quality_review", 1, 1.0,
     r"\b(?:reads?|reviews?|checks?|audits?|audited|samples?|goes through|go through|looks? at)"
     r"\b[^.;]{0,40}?\b(?:a sample|samples|weekly|every (?:week|friday|monday|month|morning"
     r"|day|quarter)|each (?:week|month|quarter)|monthly|quarterly|the (?:weekly|monthly)"
     r" (?:report|numbers|sample)|resolution report)\b|\bfix(?:es)? it when\b"
     r"|\bsample\b[^.;]{0,30}?\b(?:is|are|gets?) (?:scored|checked|reviewed|audited|read|marked"
     r"|graded|labell?ed)\b"),
    ("D4", "dev_machine", -1, 1.0,
     r"\b(?:jupyter|colab|notebooks?)\b|\b(?:on|from|off) (?:my|his|her|their|a|an|someone's"
     r"|one person's|the builder's) (?:own )?(?:laptop|machine|desktop|pc|computer|gpu box)\b"
     r"|\bunder (?:a|his|her|my) desk\b"),
    ("D4", "manual_ops", -1, 1.0,
     r"\bmanual(?:ly)? (?:deploy\w*|release\w*|restart\w*)\b|\b(?:restarts?|re-?runs?"
     r"|kicks? off) (?:it|the job|the script)\b|\bwhen (?:the [\w ]{0,15}job|it) fails\b"
     r"|\bnobody (?:has )?touched\b|\b(?:not|never) (?:been )?(?:retrained|updated|maintained)"
     r" since\b|\bre-?train\w* (?:only )?when (?:someone|somebody|we|anyone) (?:remembers?"
     r"|gets? round|has time|have time)\b|\bruns? (?:it )?(?:from|on) (?:his|her|my|their)"
     r" own\b|\b(?:don't|doesn't|do not|does not) know how to (?:retrain|restart|fix|redeploy"
     r"|update)\b|\b(?:nobody|no one|no-one) (?:has |have |ever )*(?:reviews|reviewed"
     r"|checks|checked|evaluated|validated)\b(?! (?:whether|if)\b)|\b(?:i|he|she|someone"
     r"|somebody|(?:our|a|the) (?:data"
     r" scientist|analyst|developer|engineer|intern)) (?:\w+ )?(?:runs?|kicks? off|re-?runs?)"
     r" (?:it|the model|the script|the job|the notebook)\b"),
    # ---- D5 governed, secure and audit-ready -----------------------------------------
    ("D5", "signoff", 1, 1.0,
     rf"\b{_GOV_BODY}\b[^.;]{{0,40}}?\b(?:sign(?:ed)?[- ]?off|signed it off|approv(?:ed|al|es)"
     r"|review(?:ed|s)?|validat(?:ed|es|ion)|check(?:ed|s)?|assess(?:ed|ment)|cleared"
     r"|passed)\b"),
    ("D5", "signoff", 1, 1.0,
     r"\bsigns? off (?:a|an|the|each|every|on)\b|\bsigned off (?:each|every)\b"
     r"|\b(?:approved|reviewed|signed off|validated|cleared|audited|checked) (?:by|through"
     rf"|under|with) (?:the |our )?(?:[\w-]+ ){{0,3}}?(?:{_GOV_BODY}|board|committee|council"
     r"|register|policy|officer|process|team)\b|\b(?:went|goes|go) through (?:the |our )?"
     r"(?:[\w-]+ ){0,3}?(?:review|board|process|validation|assessment|approval)\b|\bpassed"
     r" (?:the |our )?(?:[\w-]+ ){0,3}?(?:review|assessment|audit|validation)\b"
     r"|\bvendor assessment\b"),
    ("D5", "framework", 1, 1.0,
     r"\b(?:dpia|impact assessment|ce[- ]marked|iso ?(?:/iec )?(?:42001|27001)|soc ?2|hipaa"
     r"|eu ai act|nist ai rmf|sr 11-7|gxp|model cards?|model documentation|ai (?:use )?register"
     r"|bias (?:testing|audit|review)|fairness (?:testing|review)|red[- ]team\w*|guardrails?"
     r"|data processing agreement|(?-i:DPA)|enterprise (?:terms|agreement|licen[cs]e)"
     r"|(?:azure|azure openai|our|company) tenant|tenant agreement|data boundar(?:y|ies)"
     r"|sensitivity labels|data-handling terms|no (?:code|data) retention|safety case"
     r"|model governance policy|information governance|regulat(?:or|ory)['\u2019]?s?"
     r" (?:[\w-]+ )?(?:guidelines|requirements|standards|code|rules))\b"),
    ("D5", "audit_log", 1, 1.0,
     r"\b(?:every|each|all)\b[^.;]{0,40}?\b(?:is|are) (?:logged|recorded|retained|stored"
     r"|kept|tagged)\b|\b(?:audit (?:trail|log|logs)|decision logs?|retained for audit"
     r"|for audit|so we can audit|audit-?ready|logged|logging|we keep every|remembers why"
     r"|logs? (?:every|each|all))\b(?! (?:in|into|on|onto)\b)"),
    ("D5", "audit_log", 1, 0.5,
     r"\blogs?\b(?! table)|\brecords? of\b|\blog (?:every|all)\b"),
    ("D5", "access", 1, 1.0,
     r"(?-i:\bSSO\b)|\bsingle sign-on\b|\baccess control\b|\brole-based\b|\brbac\b"
     r"|\bleast privilege\b|\bokta\b|\bentra\b|\bazure ad\b|\bonly sees\b|\brestricted (?:it )?"
     r"to\b|\bpermissions\b|\baccess (?:is )?(?:restricted|limited)\b"
     r"|\brestricted access\b"),
    ("D5", "human_oversight", 1, 1.0,
     r"\bhuman[- ]in[- ]the[- ]loop\b|\bhuman (?:review|oversight|approval|sign-off)\b"
     rf"|\b(?:a|an|the) {_ROLE} (?:checks|approves|reviews|confirms|reads|signs off"
     r"|can override)\b|\bcan (?:override|change|correct|reject) (?:it|them|the \w+)\b"
     r"|\boverrides?\b|\bonly checks? the (?:flagged|uncertain|low-confidence)\b|\bconfirms? it"
     r"\b|\bchecks? (?:it )?and (?:approves?|hits? send)\b|\bjust check it\b"),
    ("D5", "shadow", -1, 1.0,
     r"\b(?:personal|private|own) (?:[\w-]+ )?(?:accounts?|api keys?|keys?|subscriptions?"
     r"|credit cards?|licen[cs]es?)\b|\baccounts? (?:they|he|she|people|staff) pay for"
     r" themselves\b|\bpay for (?:it |them )?themselves\b|\bshadow (?:ai|it)\b|\bfree (?:version"
     r"|tier|account|plan)\b|\bexpensed\b|\bcredit card\b|\bfound it (?:themselves|himself"
     r"|herself|on their own)\b|\bchrome extension\b|\bunder the radar\b|\bwithout (?:telling"
     r"|asking|approval from)\b|\bno (?:ai |usage )?policy\b|\bno idea where (?:the )?data goes"
     r"\b|(?-i:\b(?:IT|[Ss]ecurity|[Ll]egal|[Cc]ompliance)\b)(?: and \w+)? (?:don't|doesn't"
     r"|does not|do not|didn't) know\b|\b(?:legal|security|compliance) (?:hasn't|has not"
     r"|haven't|have not) been (?:asked|told|involved)\b"),
    ("D5", "data_leak", -1, 1.0,
     r"\bpast(?:e|es|ed|ing) (?:[\w'-]+ ){0,6}?into (?:the )?(?:free |public |personal )?"
     r"(?:chatgpt|claude|gemini|copilot|a public|them|it)\b|\bsend(?:s)? (?:[\w'-]+ ){0,6}?to"
     r" (?:openai|chatgpt|a public|the public|an external)\b|\bcompliance (?:later|can wait)\b"
     r"|\b(?:worry|think) about (?:governance|compliance|security) later\b"),
    # ---- D6 owned and supported -------------------------------------------------------
    ("D6", "owner", 1, 1.0,
     r"\b(?:owned|maintained|supported|managed|looked after|operated|sponsored) by (?:the |our"
     r" |a |an )?[\w'&-]+|\b(?:owns?|own) (?:it|the (?:model|service|system|tool"
     r"|configuration|rollout|product|bot|pipeline|process))\b|\b(?:product|business|service"
     r"|model|process|system) owner\b|\b(?:accountable|responsible) (?:owner|team|executive"
     r"|for (?:it|the))\b|\bis (?:the )?(?:accountable )?owner\b|\bin charge of (?:it|the)\b"
     r"|\blooks? after (?:it|the)\b|\b(?:po|owner): [a-z]|\b(?:team|group|department"
     r"|directorate|unit|squad|desk|function|coe) (?:runs|owns|maintains|supports|operates"
     r"|looks after|retrains|monitors|manages) (?:it|the)\b"
     r"|\bowns and (?:monitors|runs|supports)\b|\b(?:is|are) accountable\b|\bowner\s*[:=]\s*\w"
     r"|\bowner (?:is|ist) (?-i:[A-Z])|\brun by (?:the |our )?(?:[\w&'-]+ ){0,3}?(?:team"
     r"|department|unit|group|desk|squad|function)\b"),
    ("D6", "owner", 1, 0.5,
     r"\bkeeps? an eye on it\b|\bowner\b|\brun by\b"),
    ("D6", "support", 1, 1.0,
     r"\b(?:support (?:route|queue|contract|rota|model|process|arrangement)"
     r"|service contract|vendor support|l[123](?:/l[123])? (?:support|process)|second-line"
     r"|first-line|supports it|24/7 support)\b"),
    ("D6", "budget", 1, 1.0,
     r"\b(?:budget line|cost cent(?:er|re)|funded (?:from|by|out of|as)|run budget"
     r"|licen[cs]e (?:budget|line))\b"),
    ("D6", "no_owner", -1, 1.0,
     r"\b(?:no|without an?) (?:clear |named |accountable |business |internal |real )?(?:owner"
     r"|sponsor|budget|funding|support (?:contract|arrangement))\b|\b(?:nobody|no one|no-one"
     r"|no internal team|no team)\b[^.;]{0,30}?\b(?:owns?|is responsible|responsib\w+|ownership"
     r"|maintains|supports|looks after|in charge|has taken over|took over|knows how)\b"
     r"|\bwho owns\b|\bisn't on anyone's\b|\bonly (?:our|the|one|a|his|her) (?:[\w-]+ ){0,2}"
     r"(?:knows?|can) (?:how to )?(?:run|fix|maintain|restart|retrain|update)\b"),
    ("D6", "builder_left", -1, 1.0,
     r"\b(?:who (?:built|set up|wrote|installed|made) it|the (?:person|data scientist|engineer"
     r"|developer|analyst|contractor|consultant|intern|vendor|integrator|consultancy|startup"
     r"|builder|author|product manager)(?:'s contract)?)\b[^.;]{0,40}?\b(?:left|quit|moved"
     r" (?:to|on)|departed|went bust|went out of business|was acquired|ended|is gone"
     r"|has gone)\b|\b(?:contract|engagement) ended\b|\bend-of-life\b|\bsupport (?:stopped"
     r"|ended)\b|\bsince the (?:\w+ )?(?:manager|owner|builder|developer) left\b"),
    ("D6", "side_project", -1, 1.0,
     r"\bside project\b|\bspare time\b|\balongside (?:his|her|their) (?:real|day|main) job\b"
     r"|\bevenings and weekends\b|\bhobby\b|\bbest[- ]effort\b|\borphan\w*\b|\bunowned\b"),
]
# fmt: on

__all__ = ["RUN_CUES", "Row"]
