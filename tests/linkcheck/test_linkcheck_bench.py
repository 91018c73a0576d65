"""The link-check benchmark's code paths work, TLS included (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "linkcheck_bench.py"


def _bench() -> ModuleType:
    if "linkcheck_bench" in sys.modules:
        return sys.modules["linkcheck_bench"]
    spec = importlib.util.spec_from_file_location("linkcheck_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["linkcheck_bench"] = module
    spec.loader.exec_module(module)
    return module


# Slow tier, like the other benchmark smoke tests: a server process and a certificate each.
@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_benchmark_scenario_runs_and_reuses_connections(scheme: str, tmp_path: Path) -> None:
    bench = _bench()
    cert = None
    if scheme == "https":
        if shutil.which("openssl") is None:
            pytest.skip("the openssl command is not available")
        cert = bench.make_certificate(tmp_path)
    result = bench.run_benchmark(
        links=24, latency_ms=20, max_concurrency=4, host_concurrency=2, cert=cert
    )
    assert result["scheme"] == scheme
    assert result["ok"] == 24
    assert result["requests"] == 24
    # Keep-alive: at most the per-host limit of connections to each of the 4 hosts.
    assert result["connections"] <= 4 * 2
