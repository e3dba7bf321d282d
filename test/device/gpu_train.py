#!/usr/bin/env python3
"""Device check: a PyTorch MLP on the GPU as an ECOpt command trial, with an independent reading
of the same NVML energy counter (pynvml) at each phase line, written to XCHECK (jsonl)."""
import json
print(json.dumps({"ecopt": "pause"}), flush=True)
import argparse, os, time
import torch, torch.nn as nn
import pynvml

p = argparse.ArgumentParser()
p.add_argument("--width", type=int, default=512)
p.add_argument("--depth", type=int, default=2)
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--batch", type=int, default=1024)
p.add_argument("--epochs", type=int, default=3)
a = p.parse_args()
xfile = os.environ.get("XCHECK", "/tmp/xcheck.jsonl")
trial = os.environ.get("ECOPT_TRIAL", "?")
pynvml.nvmlInit()
h = pynvml.nvmlDeviceGetHandleByIndex(0)

def mark(what):
    torch.cuda.synchronize()
    e = pynvml.nvmlDeviceGetTotalEnergyConsumption(h)
    t = time.time()
    try:
        procs = [pp.pid for pp in pynvml.nvmlDeviceGetComputeRunningProcesses(h)]
    except Exception as ex:
        procs = str(ex)
    with open(xfile, "a") as f:
        f.write(json.dumps({"trial": trial, "mark": what, "t": t, "energy_mj": e, "pid": os.getpid(), "ppid": os.getppid(), "nvml_pids": procs}) + "\n")

dev = torch.device("cuda")
g = torch.Generator(device="cuda").manual_seed(0)
X = torch.randn(120_000, 256, device=dev, generator=g)
T1 = torch.randn(256, 512, device=dev, generator=g) / 16
T2 = torch.randn(512, 10, device=dev, generator=g) / 22
Y = (torch.tanh(X @ T1) @ T2).argmax(1)
Xtr, Ytr, Xte, Yte = X[:100_000], Y[:100_000], X[100_000:], Y[100_000:]
torch.manual_seed(1)
layers, d = [], 256
for _ in range(a.depth):
    layers += [nn.Linear(d, a.width), nn.ReLU()]
    d = a.width
layers.append(nn.Linear(d, 10))
model = nn.Sequential(*layers).to(dev)
opt = torch.optim.Adam(model.parameters(), lr=a.lr)
lossf = nn.CrossEntropyLoss()
mark("train")
print(json.dumps({"phase": "train"}), flush=True)
for ep in range(a.epochs):
    perm = torch.randperm(Xtr.shape[0], device=dev)
    tot = 0.0
    for i in range(0, Xtr.shape[0], a.batch):
        idx = perm[i:i + a.batch]
        opt.zero_grad(set_to_none=True)
        loss = lossf(model(Xtr[idx]), Ytr[idx])
        loss.backward()
        opt.step()
        tot += loss.detach()
    print(json.dumps({"step": ep + 1, "metric": float(tot) / (Xtr.shape[0] / a.batch)}), flush=True)
mark("infer")
print(json.dumps({"phase": "infer"}), flush=True)
model.eval(); n = 0; t0 = time.perf_counter()
with torch.no_grad():
    while time.perf_counter() - t0 < 3.0:
        for i in range(0, Xte.shape[0], 4096):
            model(Xte[i:i + 4096]); n += min(4096, Xte.shape[0] - i)
        torch.cuda.synchronize()
mark("evaluate")
print(json.dumps({"phase": "evaluate"}), flush=True)
with torch.no_grad():
    acc = float((model(Xte).argmax(1) == Yte).float().mean())
os.makedirs("models", exist_ok=True)
path = f"models/trial-{trial}.pt"
torch.save(model.state_dict(), path)
mark("end")
print(json.dumps({"accuracy": acc, "infer_samples": n, "artifact": path}), flush=True)
