"""prodai-assistant: is our AI real, or just a demo?"""

from importlib import metadata as _metadata
from typing import TYPE_CHECKING, Any

from .config import Settings
from .errors import ProdAIError
from .models import Answer, Assessment, Citation, Criterion, EvidenceSpan

if TYPE_CHECKING:
    from .assistant import Assistant

try:  # the installed distribution's version: pyproject.toml is the one place it is written
    __version__ = _metadata.version("prodai-assistant")
except _metadata.PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"


def __getattr__(name: str) -> Any:
    # The assistant (and the models it loads) is imported on first use, not with the package:
    # the app's pages import the package's parts without it.
    if name == "Assistant":
        from .assistant import Assistant

        return Assistant
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
