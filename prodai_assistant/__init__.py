"""prodai-assistant: is our AI real, or just a demo?"""

from .assistant import Assistant
from .config import Settings
from .errors import ProdAIError
from .models import Answer, Assessment, Citation, Criterion, EvidenceSpan

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "Assistant",
    "Assessment",
    "Citation",
    "Criterion",
    "EvidenceSpan",
    "ProdAIError",
    "Settings",
    "__version__",
]
