#!/usr/bin/env python3
"""Prints criterion results (target/criterion) as a Markdown table with ratios to the baseline
measured in the same group (the benchmark whose name starts with "baseline")."""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
rows = []
for est in sorted(root.glob("*/*/new/estimates.json")):
    bench = est.parent.parent
    group = bench.parent.name
    ns = json.loads(est.read_text())["median"]["point_estimate"]
    rows.append((group, bench.name, ns))

def fmt(ns):
    return f"{ns / 1e6:.3f} ms" if ns >= 1e5 else f"{ns / 1e3:.1f} µs"

print("| group | benchmark | median | × baseline |")
print("|---|---|---|---|")
for group in sorted({r[0] for r in rows}):
    items = [r for r in rows if r[0] == group]
    base = next((r[2] for r in items if r[1].startswith("baseline")), None)
    for _, name, ns in sorted(items, key=lambda r: (not r[1].startswith("baseline"), r[1])):
        ratio = f"{ns / base:.2f}" if base else "—"
        print(f"| {group} | {name} | {fmt(ns)} | {ratio} |")
