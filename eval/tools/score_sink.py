#!/usr/bin/env python3
"""Scores the themes the pipeline wrote (a sink JSONL file, e.g. from ./newsflow demo --out) against a labels TSV.

usage: eval/tools/score_sink.py SINK.jsonl LABELS.tsv
Prints per theme support, predicted, P, R, F1, then macro-F1, like ./newsflow eval, but from what the pipeline
emitted (cleaned paragraphs, internal repeats removed) rather than from the classifier run on the raw input.
"""
import json
import sys

THEMES = ["CBDC", "CRYPTO_BAN", "BLOCKCHAIN_PLATFORM", "AI"]


def main(sink, labels_path):
    got = {}
    with open(sink) as f:
        for line in f:
            if line.strip():
                a = json.loads(line)
                got[a["id"]] = {t["theme"] for t in a.get("themes", [])}
    labels = {}
    with open(labels_path) as f:
        for line in f:
            if line.startswith("#") or not line.strip() or line.startswith("id\t"):
                continue
            i, themes = line.rstrip("\n").split("\t")
            labels[i] = set() if themes == "NONE" else set(themes.split(","))
    missing = [i for i in labels if i not in got]
    f1s = []
    print(f"{'theme':22s} {'support':>7s} {'predict':>7s} {'P':>7s} {'R':>7s} {'F1':>7s}")
    for t in THEMES:
        tp = sum(1 for i in labels if i in got and t in labels[i] and t in got[i])
        fp = sum(1 for i in labels if i in got and t not in labels[i] and t in got[i])
        fn = sum(1 for i in labels if i in got and t in labels[i] and t not in got[i])
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f1)
        print(f"{t:22s} {tp + fn:7d} {tp + fp:7d} {p:7.3f} {r:7.3f} {f1:7.3f}")
    print(f"{'macro-F1':22s} {'':31s} {sum(f1s) / len(f1s):7.3f}")
    exact = sum(1 for i in labels if i in got and got[i] == labels[i])
    print(f"exact match: {exact}/{len(labels) - len(missing)}; labelled ids missing from the sink: {len(missing)}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
