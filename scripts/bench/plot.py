#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Plot a bench.py results JSON: usage plot.py RESULTS.json OUT.png (a --scaling run: plot_scaling)"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LABELS = {1: "1", 1000: "1k", 100000: "100k", 1000000: "1M"}


def bars(ax, groups, series, title, ylabel):
    """groups: x labels; series: [(label, [value per group])]."""
    width = 0.8 / max(1, len(series))
    for i, (label, ys) in enumerate(series):
        xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(groups))]
        b = ax.bar(xs, [y or 0 for y in ys], width, label=label)
        for rect, y in zip(b, ys):
            if y:
                ax.annotate("%.1f" % y, (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                            ha="center", va="bottom", fontsize=6)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, fontsize=7)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(axis="y", alpha=0.3)


def plot_scaling(r, out):
    """bench.py --scaling: SIIT and testpmd by workers (wall clock, per CPU-second); NAT64 local/cross."""
    rows = r["scaling"]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    keys = []
    for x in rows:
        if x["part"] in ("siit", "testpmd") and (x["dir"], x["workers"]) not in keys:
            keys.append((x["dir"], x["workers"]))
    groups = ["%s\n%d worker%s" % (d, n, "s" if n > 1 else "") for d, n in keys]

    def get(part, d, n, k):
        m = [x for x in rows if x["part"] == part and x["dir"] == d and x["workers"] == n]
        return m[0].get(k) if m else None
    for ax, k, title in ((axes[0], "mpps", "Mpps, wall clock (labels: Mpps)"),
                         (axes[1], "mpps_per_cpu_s", "Mpps per CPU-second of the workers")):
        bars(ax, groups, [("testpmd io", [get("testpmd", d, n, k) for d, n in keys]),
                          ("xlat64d SIIT", [get("siit", d, n, k) for d, n in keys])], title, "Mpps")
    nat = [x for x in rows if x["part"] == "nat64"]
    if nat:
        groups = ["%s\n%s" % (x["dir"], x["run"].replace("xlat64d nat64 est", "%dw" % x["workers"]).strip())
                  for x in nat]
        bars(axes[2], groups, [("Mpps", [x["mpps"] for x in nat]),
                               ("Mpps per CPU-s (whole run)", [x["mpps_per_cpu_s"] for x in nat]),
                               ("Mpps per CPU-s (handed-off packets)", [x.get("handoff_cross_mpps_per_cpu_s") for x in nat])],
             "NAT64 established, local against cross (handoff)", "Mpps")
    fig.suptitle("xlat64 multi-core, %s, %s, %s flows per queue, load %s" % (
        r["host"]["cpu"], r["date"], r["params"].get("flows_per_queue"), " ".join(r.get("loadavg_start", []))),
        fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main():
    with open(sys.argv[1]) as f:
        r = json.load(f)
    out = sys.argv[2]
    if r.get("scaling") and not r["dpdk"]:
        plot_scaling(r, out)
        return
    rows = r["dpdk"]
    lab = [x for x in r["lab"] if "error" not in x]
    ndpdk = 2 if rows else 0  # a lab-only run (--no-dpdk) has no DPDK panels
    npanels = max(1, ndpdk + (1 if lab else 0))
    fig, axes = plt.subplots(1, npanels, figsize=(5.2 * npanels, 4.2), squeeze=False)
    axes = list(axes[0])
    for ax, d in zip(axes[:ndpdk], ("6->4", "4->6")):
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
        ax.set_title("lab: veths (hosts with default offloads), translator on one core", fontsize=9)
        ax.legend(fontsize=7)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("xlat64 benchmark, %s, %s" % (r["host"]["cpu"], r["date"]), fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main()
