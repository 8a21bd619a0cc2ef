#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Plot a bench.py results JSON: usage plot.py RESULTS.json OUT.png"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LABELS = {1: "1", 1000: "1k", 100000: "100k", 1000000: "1M"}


def main():
    with open(sys.argv[1]) as f:
        r = json.load(f)
    out = sys.argv[2]
    rows = r["dpdk"]
    lab = [x for x in r["lab"] if "error" not in x]
    npanels = 2 + (1 if lab else 0)
    fig, axes = plt.subplots(1, npanels, figsize=(5.2 * npanels, 4.2))
    for ax, d in zip(axes, ("6->4", "4->6")):
        sel = [x for x in rows if x["dir"] == d]
        flows = sorted({x["flows"] for x in sel})
        runs = []
        for x in sel:
            if x["run"] not in runs:
                runs.append(x["run"])
        width = 0.8 / max(1, len(runs))
        for i, run in enumerate(runs):
            ys = []
            for fl in flows:
                m = [x for x in sel if x["run"] == run and x["flows"] == fl]
                ys.append(m[0]["mpps"] if m else 0)
            xs = [j + (i - (len(runs) - 1) / 2) * width for j in range(len(flows))]
            bars = ax.bar(xs, ys, width, label=run)
            for b, fl in zip(bars, flows):
                m = [x for x in sel if x["run"] == run and x["flows"] == fl]
                if m and m[0].get("ratio") is not None:
                    ax.annotate("%.2f" % m[0]["ratio"], (b.get_x() + b.get_width() / 2, b.get_height()),
                                ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(flows)))
        ax.set_xticklabels([LABELS.get(f, str(f)) for f in flows])
        ax.set_xlabel("flows")
        ax.set_ylabel("Mpps, one core")
        ax.set_title("%s, 64-byte class, one core (labels: ratio to testpmd)" % d, fontsize=9)
        ax.legend(fontsize=7)
        ax.grid(axis="y", alpha=0.3)
    if lab:
        ax = axes[-1]
        cats = [("udp64", "UDP 6->4\nMpps"), ("udp46", "UDP 4->6\nMpps"),
                ("tcp64", "TCP 6->4\nGbit/s"), ("tcp46", "TCP 4->6\nGbit/s")]
        width = 0.8 / len(lab)
        for i, x in enumerate(lab):
            ys = []
            for k, _ in cats:
                v = x.get(k, {})
                ys.append(v.get("pps", 0) / 1e6 if k.startswith("udp") else v.get("gbps", 0))
            xs = [j + (i - (len(lab) - 1) / 2) * width for j in range(len(cats))]
            ax.bar(xs, ys, width, label=x["translator"])
        ax.set_xticks(range(len(cats)))
        ax.set_xticklabels([c[1] for c in cats], fontsize=8)
        ax.set_title("lab: af_packet on veth, translator on one core", fontsize=9)
        ax.legend(fontsize=7)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("xlat64 benchmark, %s, %s" % (r["host"]["cpu"], r["date"]), fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main()
