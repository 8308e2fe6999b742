"""One line that describes how fast this host is, printed before every benchmark's figures.

Machines of the same kind differ by 2–5×, so a figure means little without the speed
of the host it was measured on. Two fixed workloads: the pure-Python loop
``s = 0; for i in range(10**7): s += i`` (the GUI thread's kind of work) and a
512×512 float32 matrix product with NumPy's BLAS (the inference's kind of work).
"""

from __future__ import annotations

import os
import platform
import time


def _cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


LOOP = "s = 0\nfor i in range(10**7): s += i\n"  # as typed at a prompt: module-level (global) names


def python_loop_seconds() -> float:
    code = compile(LOOP, "<calibration>", "exec")
    started = time.perf_counter()
    exec(code, {})  # noqa: S102 — our own constant statement
    return time.perf_counter() - started


def matmul_ms(size: int = 512, repeats: int = 20) -> float:
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.random((size, size), dtype=np.float32)
    b = rng.random((size, size), dtype=np.float32)
    a @ b  # warm-up: BLAS threads
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2] * 1000


def calibration_line() -> str:
    """``host: <cpu>, <n> cores; Python loop 10⁷ additions <s> s; NumPy 512² float32 matmul <ms> ms``."""
    loop = python_loop_seconds()
    product = matmul_ms()
    return (f"host: {_cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"`s = 0; for i in range(10**7): s += i` {loop:.2f} s; "
            f"NumPy 512×512 float32 matmul {product:.2f} ms (median of 20)")


if __name__ == "__main__":
    print(calibration_line())
