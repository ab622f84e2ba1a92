"""Build step only: copy the files git keeps at the top of the checkout into the wheel.

pyproject.toml holds all metadata. The knowledge base, the eval sets, the app script and its
Streamlit settings live once in git, at the top level (see prodai_assistant/resources.py); this
build_py copies them to prodai_assistant/data/ in the build tree, so the wheel carries them and
an installed `prodai` finds them from the package. Editable installs skip the copy and read the
checkout directly.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _shipped() -> dict[str, str]:
    # Read the table without importing the package (its dependencies are not in the build env).
    spec = importlib.util.spec_from_file_location(
        "_resources", ROOT / "prodai_assistant" / "resources.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.SHIPPED)


class BuildWithData(build_py):
    """build_py, then the shipped top-level files into <build>/prodai_assistant/data/."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "prodai_assistant" / "data"
        for name, source in _shipped().items():
            src, dst = ROOT / source, target / name
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*"))
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)


setup(cmdclass={"build_py": BuildWithData})
