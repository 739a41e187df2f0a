#!/usr/bin/env python3
"""Markdown table of bench/cluster.sh's runs: DIR/<run>.json (load client) and DIR/cpu-<run>.tsv (node, CPU ticks
over the measured window, window seconds), the cluster hop (cluster minus single p50/p99) and xhr-streaming's server
CPU per delivery against WebSocket's.   python3 bench/cluster_table.py DIR"""
import json
import os
import sys

TICKS_PER_SECOND = 100  # Linux USER_HZ
RUNS = [("single", "one node, every role, direct", "websocket"),
        ("cluster", "HAProxy + 2 web + engine", "websocket"),
        ("xhr", "HAProxy + 2 web + engine", "xhr-streaming")]


def load(out, run):
    report, cpu = None, {}
    path = os.path.join(out, run + ".json")
    if os.path.exists(path):
        with open(path) as f:
            report = json.load(f)
    path = os.path.join(out, "cpu-" + run + ".tsv")
    if report and os.path.exists(path):
        with open(path) as f:
            for line in f:
                node, ticks, seconds = line.split("\t")
                deliveries = report["deliveriesPerSecond"] * float(seconds)
                cpu[node] = int(ticks) / TICKS_PER_SECOND / deliveries * 100_000 if deliveries > 0 else 0.0
    return report, cpu


def main(out):
    skipped = {}
    path = os.path.join(out, "skipped.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                run, why = line.rstrip("\n").split("\t", 1)
                skipped[run] = why
    print("| run | setup | transport | conns x msg/s | delivered/s | p50 ms | p99 ms | max ms | lost | "
          "server CPU s per 100k deliveries, per node | HAProxy CPU s per 100k |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    results = {}
    for run, setup, transport in RUNS:
        report, cpu = load(out, run)
        if report is None:
            if run in skipped:
                print(f"| {run} | {setup} | {transport} | | {skipped[run]} | | | | | | |")
            continue
        results[run] = (report, cpu)
        lat = report["latencyMs"]
        nodes = ", ".join(f"{n} {v:.3f}" for n, v in cpu.items() if n != "haproxy") or "n/a"
        proxy = f"{cpu['haproxy']:.3f}" if "haproxy" in cpu else "-"
        print(f"| {run} | {setup} | {transport} | {report['connections']:,} x {report['rate']:g} | "
              f"{report['deliveriesPerSecond']:,.0f} | {lat['p50']:.2f} | {lat['p99']:.2f} | {lat['max']:.2f} | "
              f"{report['lost']} | {nodes} | {proxy} |")
    print()
    if "single" in results and "cluster" in results:
        s, c = results["single"][0]["latencyMs"], results["cluster"][0]["latencyMs"]
        print(f"Cluster hop (cluster minus single, WebSocket): p50 {c['p50'] - s['p50']:+.2f} ms, "
              f"p99 {c['p99'] - s['p99']:+.2f} ms (target: p99 at most +10 ms).")
    if "cluster" in results and "xhr" in results:
        web = lambda cpu: sum(v for n, v in cpu.items() if n.startswith("web"))
        ws, xhr = web(results["cluster"][1]), web(results["xhr"][1])
        if ws > 0:
            print(f"xhr-streaming / WebSocket web-node CPU per delivery: {xhr / ws:.2f}x "
                  f"(target: at most 2x, with xhr p99 at most 50 ms: {results['xhr'][0]['latencyMs']['p99']:.2f} ms).")
    for run, why in skipped.items():
        if run not in [r for r, _, _ in RUNS]:
            print(f"{run}: {why}")


if __name__ == "__main__":
    main(sys.argv[1])
