#!/usr/bin/env python3
"""A training script ECOpt can tune as a command trial: plain Python, no packages.

Softmax regression on the iris flowers bundled with ECOpt. It shows the whole protocol:
- parameters arrive as arguments (from "{learning_rate}" placeholders), as ECOPT_PARAM_*
  environment variables and in the JSON file named by ECOPT_PARAMS_FILE;
- {"step": ..., "metric": ...} lines report progress (a learning curve);
- {"ecopt": "pause"} first leaves the interpreter's start-up and imports out of the training
  energy (with PyTorch they can cost more than a small model's training), and {"phase": "train"}
  opens the training window when training starts;
- {"phase": "infer"} moves ECOpt's energy window to the inference benchmark, and
  {"phase": "evaluate"} out of it before scoring, so the score's work is not charged to predictions;
- the last line is a JSON object of metrics: accuracy, and infer_samples for energy per sample.
"""
import json

print(json.dumps({"ecopt": "pause"}), flush=True)

import argparse
import math
import os
import random
import time

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--epochs", type=int, default=50)
parser.add_argument("--l2", type=float, default=0.0)
parser.add_argument("--infer-seconds", type=float, default=0.3)
args = parser.parse_args()

with open(os.path.join(here, "..", "..", "resources", "datasets", "iris", "iris.csv")) as f:
    rows = [line.strip().split(",") for line in f.readlines()[1:] if line.strip()]
classes = sorted({r[4] for r in rows})
data = [([float(v) for v in r[:4]], classes.index(r[4])) for r in rows]
random.Random(0).shuffle(data)
train, test = data[:110], data[110:]
mean = [sum(x[i] for x, _ in train) / len(train) for i in range(4)]
sd = [math.sqrt(sum((x[i] - mean[i]) ** 2 for x, _ in train) / len(train)) or 1 for i in range(4)]
norm = lambda x: [(x[i] - mean[i]) / sd[i] for i in range(4)] + [1.0]
train = [(norm(x), y) for x, y in train]
test = [(norm(x), y) for x, y in test]
w = [[0.0] * 5 for _ in classes]

print(json.dumps({"phase": "train"}), flush=True)


def probs(x):
    z = [sum(wi * xi for wi, xi in zip(wc, x)) for wc in w]
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


for epoch in range(1, args.epochs + 1):
    loss = 0.0
    for x, y in train:
        p = probs(x)
        loss -= math.log(max(p[y], 1e-12))
        for c in range(len(classes)):
            g = p[c] - (1.0 if c == y else 0.0)
            for i in range(5):
                w[c][i] -= args.lr * (g * x[i] + args.l2 * w[c][i])
    print(json.dumps({"step": epoch, "metric": loss / len(train)}), flush=True)

print(json.dumps({"phase": "infer"}), flush=True)
samples = 0
start = time.perf_counter()
while time.perf_counter() - start < args.infer_seconds:
    for x, _ in test:
        probs(x)
    samples += len(test)

print(json.dumps({"phase": "evaluate"}), flush=True)
correct = sum(1 for x, y in test if max(range(len(classes)), key=lambda c: probs(x)[c]) == y)
print(json.dumps({"accuracy": correct / len(test), "infer_samples": samples, "loss": loss / len(train)}))
