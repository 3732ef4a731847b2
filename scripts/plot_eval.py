#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn `twinos eval`'s CSV files into chapter 7's figures.

    plot_eval.py DATA_DIR OUT_DIR

Reads table1.csv, fig7.csv and load.csv (and eval.json for the machine and
the prediction) from DATA_DIR and writes fig7.png, table1.png and load.png
into OUT_DIR. The docs build runs it on the committed data in docs/eval/, so
the site never depends on how fast the machine building it is. Every figure
names the clock its numbers came from.
"""
import csv
import json
import pathlib
import sys

try:
    import matplotlib
except ImportError:
    sys.exit("plot_eval: matplotlib is missing for " + sys.executable + "; scripts/install-deps.sh "
             "installs Debian's python3-matplotlib for /usr/bin/python3")

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt  # noqa: E402

# The paper's Fig. 7, as printed (us): min / mean / max at both ends.
PAPER_FIG7 = {53: (0.20, 0.37, 0.82), 1536: (0.52, 1.01, 2.82)}


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def fig7(data, out, machine):
    r = rows(data / "fig7.csv")
    x = [int(row["length"]) for row in r]
    col = lambda name: [float(row[name]) for row in r]  # noqa: E731
    fig, ax = plt.subplots(figsize=(7, 4.2))
    # Median and p99, not mean and max: on a shared host one preemption makes
    # the max (and drags the mean) milliseconds long.
    ax.fill_between(x, col("host_ring_min_ns"), col("host_ring_p99_ns"), alpha=0.15,
                    color="C0", label="ring copy, host min-p99")
    ax.plot(x, col("host_ring_median_ns"), "o-", color="C0", label="ring copy, host median")
    ax.plot(x, col("host_memcpy_median_ns"), "s--", color="C2", label="memcpy, host median")
    ax.plot(x, col("model_ns"), ":", color="C3", label="cost model (simulated)")
    for length, (lo, mean, hi) in PAPER_FIG7.items():
        ax.errorbar([length], [mean * 1000], yerr=[[mean * 1000 - lo * 1000], [hi * 1000 - mean * 1000]],
                    fmt="D", color="C1", capsize=4,
                    label="paper (Pentium 4, rdtsc)" if length == 53 else None)
    ax.set_yscale("log")
    ax.set_xlabel("copy length (bytes)")
    ax.set_ylabel("time per copy (ns, log scale)")
    ax.set_title("Fig. 7 again: copy time by length")
    ax.text(0.01, 0.01, "host: " + machine, transform=ax.transAxes, fontsize=7, color="0.4")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(out / "fig7.png", dpi=110)
    plt.close(fig)


def table1(data, out, machine):
    r = [row for row in rows(data / "table1.csv") if row["configuration"] == "pseudo_nic"]
    steps = [f"({row['step']}) {row['name']}" for row in r]
    paper = [float(row["paper_us"]) * 1000 for row in r]
    model = [float(row["model_ns"]) for row in r]
    host = [float(row["host_mean_ns"]) for row in r]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    width = 0.27
    xs = range(len(steps))
    ax.bar([i - width for i in xs], paper, width, label="paper (Pentium 4)", color="C1")
    ax.bar(list(xs), model, width, label="cost model (simulated)", color="C3")
    ax.bar([i + width for i in xs], host, width, label="our code (host mean)", color="C0")
    ax.set_yscale("log")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(steps, fontsize=8)
    ax.set_ylabel("ns per one-packet interrupt (log scale)")
    ax.set_title("Table 1 again: receive path with the pseudo NIC")
    ax.set_xlabel("host: " + machine, fontsize=7, color="0.4")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "table1.png", dpi=110)
    plt.close(fig)


def load(data, out, predicted):
    r = rows(data / "load.csv")
    fig, ax = plt.subplots(figsize=(7, 4.2))
    top = 0
    for config, label, color in (("pseudo_nic", "with pseudo NIC", "C0"),
                                 ("original", "original (driver owns the card)", "C2")):
        pts = [row for row in r if row["configuration"] == config]
        if not pts:
            continue
        offered = [float(p["offered_mbps"]) for p in pts]
        delivered = [float(p["delivered_mbps"]) for p in pts]
        top = max(top, max(offered))
        ax.plot(offered, delivered, "o-", ms=3, color=color, label=label)
    ax.plot([0, top], [0, top], ":", color="0.6", label="delivered = offered")
    ax.axvline(predicted, color="C3", ls="--",
               label=f"sec. 4.4 formula on the model: {predicted:.0f} Mbit/s")
    ax.set_xlabel("offered load (Mbit/s of MTU-sized packets)")
    ax.set_ylabel("delivered (Mbit/s)")
    ax.set_title("Load experiment (simulated time, deterministic)")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(out / "load.png", dpi=110)
    plt.close(fig)


def readable_tables(data, out):
    """Table 1 and the throughput table, rounded, with units in the headers,
    for the chapter (the raw CSVs keep every digit for anyone's own plots)."""
    def fmt(value, decimals):
        return "–" if value in ("", None) else f"{float(value):,.{decimals}f}"

    with open(out / "table1.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Step", "What", "Configuration", "Paper (µs)", "Model (µs)",
                    "Host min (ns)", "Host mean (ns)", "Host max (ns)", "Samples"])
        for row in rows(data / "table1.csv"):
            w.writerow([row["step"], row["name"], row["configuration"].replace("_", " "),
                        fmt(row["paper_us"], 2), fmt(float(row["model_ns"]) / 1000, 2),
                        fmt(row["host_min_ns"], 0), fmt(row["host_mean_ns"], 0),
                        fmt(row["host_max_ns"], 0), fmt(row["host_samples"], 0)])
    with open(out / "throughput.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Copy (bytes)", "Paper (Mbit/s)", "Model (Mbit/s)", "Host (Mbit/s)"])
        for row in rows(data / "throughput.csv"):
            w.writerow([row["copy_bytes"], fmt(row["paper_mbps"], 0), fmt(row["model_mbps"], 0),
                        fmt(row["host_mbps"], 0)])


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    data, out = pathlib.Path(argv[1]), pathlib.Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    info = json.loads((data / "eval.json").read_text())
    host = info["host"]
    machine = f"{host['cpu']}, {host['cores']} threads, {host['compiler']}, {host['date']}"
    fig7(data, out, machine)
    table1(data, out, machine)
    load(data, out, info["load"]["predicted_mbps"])
    readable_tables(data, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
