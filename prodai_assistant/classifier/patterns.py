"""Shared regex fragments for the classifier's cues: numbers, periods, systems, effects."""

from __future__ import annotations

NUM = (
    r"(?:\d[\d,.]*\s?(?:k|m|bn|million|billion|thousand)?|(?:a |one |two |three |four |five "
    r"|several |a few |a couple (?:of )?|couple (?:of )?)(?:hundred|thousand|million)"
    r"|(?:hundreds|thousands|millions|dozens) of)"
)
PERIOD = (
    r"(?:(?:a|an|per|each|every)\s+(?:day|week|month|hour|year|night|shift|quarter|minute"
    r"|second|season|working day|business day)\b|/\s?(?:day|week|month|hour|year|wk|mo|yr|d)\b"
    r"|daily\b|weekly\b|monthly\b|nightly\b|hourly\b)"
)
PEOPLE = (
    r"(?:customers|users|members|subscribers|employees|staff|agents|people|developers"
    r"|technicians|drivers|passengers|students|residents|underwriters|analysts|engineers"
    r"|nurses|doctors|clinicians|planners|buyers|reps|farms|handlers|lawyers|managers"
    r"|traders|clinics|hospitals|stores|branches|sites|plants|patients|teams)"
)
UNIT = (
    r"(?:tickets?|claims?|calls?|chats?|invoices?|orders?|transactions?|documents?|docs?"
    r"|e-?mails?|requests?|loans?|applications?|quer(?:y|ies)|questions?|conversations?"
    r"|messages?|shipments?|parcels?|deliver(?:y|ies)|delivery windows|cases?|patients?"
    r"|images?|photos?|scans?|studies|parts?|contracts?|letters?|reports?|leads?|searches"
    r"|prompts?|files?|forms?|reviews?|returns?|return requests?|payments?|polic(?:y|ies)"
    r"|quotes?|bookings?|visits?|jobs?|routes?|items?|products?|skus?|records?|handovers?"
    r"|incidents?|posts?|articles?|customers?|users?|members?|subscribers?|employees?|staff"
    r"|agents?|people|developers?|technicians?|drivers?|stores?|branch(?:es)?|sites?"
    r"|plants?|hospitals?|clinics?|warehouses?|lines?|machines?|vehicles?|markets?"
    r"|countries|regions?|box(?:es)?|packages?|pallets?|pages?|opportunit(?:y|ies)"
    r"|accounts?|students?|passengers?|flights?|departures?|switches|assets?|meters?"
    r"|expense reports?|expense lines?|post|mail|entries|pull requests?|work orders?"
    r"|interactions?|contacts?|shifts?|routes?|stores?|outlets?|restaurants?|bakeries"
    r"|farms?|fields?|wells?|turbines?|buses|trains?|ships?|containers?|residents?)"
)
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
SYSTEM_NAMES = (
    r"(?-i:Salesforce|SAP\b(?: [A-Z]{2,4}\b)?|ServiceNow|Guidewire|ClaimCenter|PolicyCenter"
    r"|Duck Creek|Teams|Slack|Zendesk|Jira|Confluence|Workday|Oracle|Dynamics|HubSpot|Epic"
    r"|Cerner|PACS|Outlook|Gmail|SharePoint|Intercom|Freshdesk|NetSuite|Shopify|Magento"
    r"|Genesys|Five9|Twilio|Coupa|Ariba|Concur|Argus|Veeva|Marketo|Marketing Cloud"
    r"|Service Cloud|Sales Cloud|Zoom|Pega|Temenos|Maximo|Avaloq|Mambu|Workfront|Kustomer)"
)
GENERIC_SYSTEMS = (
    r"(?:crm|erp|tms|wms|ehr|emr|plm|mes|lims|pos|itsm|hris|pim|dms|helpdesk|help desk"
    r"|ticketing (?:system|tool)|case management (?:system|tool)|case manager"
    r"|claims? (?:system|platform)|polic(?:y|ies) (?:admin|administration) system"
    r"|order (?:management )?system|billing system|core banking(?: system| apis?)?"
    r"|origination system|field service system|(?:maintenance )?planning system"
    r"|scheduling system|intranet|(?:\w+ )?app|(?:\w+ )?portal|inbox|queue|worklist"
    r"|system of record|core systems?|claim record|case record|screens?|ides?"
    r"|tools? (?:they|people|agents|staff) (?:already )?use|messenger|handhelds?|phones?"
    r"|tablets?|web ?shop|website|online store|product pages?|checkout|scanners?|devices?"
    r"|terminals?|handsets?|console|call list|campaign|(?:jira|kanban|planning|trello) board"
    r"|form|record|workflow|process|systems?|platforms?|modules?|tools?|pages?|slots?)(?![\w-])"
)
# An upper-case acronym names a system ("the YMS", "our ETRM"), unless it names a role, a
# place or the technology itself.
ACRONYM = (
    r"(?-i:(?!(?:AI|ML|IT|HR|EU|UK|US|USA|CEO|CFO|CTO|COO|CIO|CNIO|VP|PM|QA|API|KPI|ROI|FTE"
    r"|NPS|SLA|GDPR|DPIA|DPO|LLM|GPU|CPU|PDF|CSV|OK|UAT|CI|CD|DEV|PROD|SIT|POC|MVP|PR|GPT|GPS|SMS|IOT|EV"
    r"|NLP|OCR|RAG|SSO)\b)[A-Z][A-Z0-9]{1,5}s?\b)"
)
# A capitalised product name ("inside Relativity", "written to Endur"), not a team's name.
PRODUCT = (
    r"(?-i:[A-Z][\w&-]*[a-z][\w&-]*)(?! (?:[\w-]+ )?(?i:team|department|unit|group|function"
    r"|division|office|directorate|committee|board|manager|lead|director)\b)"
)
SYSTEM = rf"(?:{SYSTEM_NAMES}|{GENERIC_SYSTEMS}|{ACRONYM})"
DATA_SYSTEMS = (
    r"(?:snowflake|bigquery|databricks|redshift|synapse|kafka|kinesis|pub/sub|data ?lake"
    r"|lakehouse|(?:data )?warehouse|feature store|event (?:bus|stream|hub)|telematics"
    r"|historian|plc|sensors?|smart-meter|clickstream|crm|erp|database|core (?:banking )?"
    r"systems?|apis?|billing|usage data|policy and claims tables|tables|feeds?|records?"
    r"|registers?|ehr|emr|epr)"
)
# A verb of change followed by a number ("fell from 11% to 7.5%") ...
EFFECT_A = (
    r"(?:cut|cuts|reduced|reduces|reduction|lowered|dropped|drops|fell|falls|fallen"
    r"|decreased|declined|saved|saves|saving|savings of|freed up|increased|rose|risen|rises"
    r"|raised|grew|grown|improved|improvement|boosted|lifted|uplift|halved|doubled|tripled"
    r"|went from|go from|went down|went up|up from|down from|(?:up|down) by|(?:up|down)(?= \d)"
    r"|took(?= (?:about |around )?\d[\d.,]*\s?%)|recovered|avoided)"
)
# ... or a number followed by a comparative ("9% more premium", "two days sooner").
EFFECT_B = (
    r"(?:higher|lower|faster|sooner|quicker|shorter|fewer|less|more|better|worse|reduction"
    r"|increase|improvement|savings?|uplift|drop|decrease|gain|down|up)"
)
QUANTITY = (
    r"(?:\d[\d,.:]*\s?(?:%|percent|pp|points?|x\b|k\b|m\b)?|half|a third|a quarter|twice"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|a day|an hour|a week)"
)
MONEY = (
    r"(?:[$\u20ac\u00a3]\s?\d[\d,.]*\s?(?:k|m|bn|million|billion|thousand)?"
    r"|\b(?:eur|gbp|usd|pln|chf|sek|nok|dkk|aud|cad|inr)\s?\d[\d,.]*\s?(?:k|m|bn|million)?"
    r"|\b\d[\d,.]*\s?(?:k|m|bn|million|billion|thousand)?\s?(?:dollars|euros|pounds|pln|eur"
    r"|gbp|usd)\b|\b(?:\w+ )?grand\b)"
)


__all__ = [
    "ACRONYM",
    "DATA_SYSTEMS",
    "EFFECT_A",
    "EFFECT_B",
    "GENERIC_SYSTEMS",
    "MONEY",
    "MONTH",
    "NUM",
    "PEOPLE",
    "PERIOD",
    "PRODUCT",
    "QUANTITY",
    "SYSTEM",
    "SYSTEM_NAMES",
    "UNIT",
]
