"""Where a registration's CPU goes: py-spy samples one registry worker under the registration load.

Starts `llm-schema serve` (one worker, core 0) on a fresh SQLite file or, with `--postgres`, a
scratch PostgreSQL database (REGISTRY_BENCH_PG_DSN), runs wrk with `register.lua` for
`--seconds`, samples the worker with `py-spy record --format raw`, and prints the functions
with the most samples: by self time and by inclusive time (a function counted once per stack).

    pip install py-spy
    .venv/bin/python bench/profile_registrations.py [--seconds 8] [--postgres] [--top 25]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import registry_server, wrk
from registrations import SCRIPT, SUBJECTS, fresh_store, loadavg


def summarize(raw: Path, top: int) -> None:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = [f.split(" (")[0] + " (" + f.split(" (")[-1] for f in stack.split(";") if f]
        total += count
        if frames:
            own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    print(f"{total} samples; top {top} by self time:")
    for frame, count in own.most_common(top):
        print(f"  {count / total:6.1%}  {frame}")
    print(f"top {top} of the registry's own functions by inclusive time:")
    ours = Counter({f: c for f, c in inclusive.items() if "llm_schema_registry/" in f})
    for frame, count in ours.most_common(top):
        print(f"  {count / total:6.1%}  {frame}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--source", type=Path, help="src folder of another checkout")
    args = parser.parse_args()
    admin = os.environ.get("REGISTRY_BENCH_PG_DSN") if args.postgres else None
    if args.postgres and not admin:
        raise SystemExit("set REGISTRY_BENCH_PG_DSN")
    py_spy = Path(sys.executable).with_name("py-spy")
    print(f"load average {loadavg()}")
    with tempfile.TemporaryDirectory() as tmp, fresh_store(admin, Path(tmp)) as url:
        source = args.source or Path(__file__).resolve().parent.parent / "src"
        server = registry_server(url, Path(tmp), core=0, source=source)
        try:
            with httpx.Client(base_url=server.url) as client:
                for n in range(SUBJECTS):
                    client.put(f"/config/w{n}", json={"compatibility": "NONE"}).raise_for_status()
            raw = Path(tmp) / "profile.txt"
            command = [str(py_spy), "record", "--pid", str(server.process.pid), "--rate", "250"]
            command += ["--format", "raw", "--output", str(raw), "--nonblocking"]
            spy = subprocess.Popen(
                [*command, "--duration", str(args.seconds)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            print(wrk(server.url, 32, args.seconds, SCRIPT).line())
            spy.wait(timeout=60)
        finally:
            server.stop()
        summarize(raw, args.top)


if __name__ == "__main__":
    main()
