#!/usr/bin/env python3
"""Reads wrk's output for scripts/bench-pages.

  wrk ... --latency | wrk-summary.py       prints "rps<TAB>p50_ms<TAB>p99_ms<TAB>errors"
  wrk-summary.py --table results.tsv       prints the table of all rounds

results.tsv has one line per run: target, page, encoding, rps, p50, p99, errors.
"""
import re
import statistics
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise SystemExit(f"wrk-summary: cannot read the latency {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def one_run(out):
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    if not (rps and p50 and p99):
        raise SystemExit("wrk-summary: wrk printed no summary:\n" + out)
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses:\s+(\d+)", r"Socket errors:.*?(\d+)"):
        for m in re.finditer(pattern, out):
            errors += int(m.group(1))
    print(f"{float(rps.group(1)):.0f}\t{ms(p50.group(1)):.2f}\t{ms(p99.group(1)):.2f}\t{errors}")


def spread(values, fmt):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def table(path):
    runs = {}
    for line in open(path):
        target, page, enc, rps, p50, p99, errors = line.rstrip("\n").split("\t")
        runs.setdefault((page, enc, target), []).append((float(rps), float(p50), float(p99), int(errors)))
    rounds = max(len(v) for v in runs.values())
    print(f"\nMedian of {rounds} rounds (min–max). Latency in ms.\n")
    print(f"{'page':32} {'encoding':9} {'target':7} {'requests/s':>22} {'p50':>20} {'p99':>22} {'errors':>6} {'server/nginx':>12}")
    for (page, enc, target), values in sorted(runs.items()):
        rps = [v[0] for v in values]
        ratio = ""
        if target == "server" and (page, enc, "nginx") in runs:
            nginx = statistics.median(v[0] for v in runs[(page, enc, "nginx")])
            ratio = f"{statistics.median(rps) / nginx:.0%}"
        print(
            f"{page:32} {enc:9} {target:7} {spread(rps, '{:.0f}'):>22} "
            f"{spread([v[1] for v in values], '{:.2f}'):>20} {spread([v[2] for v in values], '{:.2f}'):>22} "
            f"{sum(v[3] for v in values):>6} {ratio:>12}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--table":
        table(sys.argv[2])
    else:
        one_run(sys.stdin.read())
