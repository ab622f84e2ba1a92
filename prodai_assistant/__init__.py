"""prodai-assistant: is our AI real, or just a demo?"""

from importlib import metadata as _metadata

from .assistant import Assistant
from .config import Settings
from .errors import ProdAIError
from .models import Answer, Assessment, Citation, Criterion, EvidenceSpan

try:  # the installed distribution's version: pyproject.toml is the one place it is written
    __version__ = _metadata.version("prodai-assistant")
except _metadata.PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"

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
