#!/usr/bin/env python3
"""Reads what the device check brought back (gpu.db, xcheck.jsonl, smi-power.csv in the folder
given) and prints, per trial window, ECOpt's NVML figure against pynvml's reading of the same
counter at the script's phase lines, and nvidia-smi's averaged and instantaneous power integrated
over the same span."""
import datetime, json, sqlite3, sys

d = sys.argv[1] if len(sys.argv) > 1 else "."
marks = {(int(r["trial"]), r["mark"]): r for r in map(json.loads, open(f"{d}/xcheck.jsonl"))}
smi = []
for line in open(f"{d}/smi-power.csv").readlines()[1:]:
    p = [x.strip() for x in line.split(",")]
    try:
        t = datetime.datetime.strptime(p[0], "%Y/%m/%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()
        smi.append((t, float(p[1].split()[0]), float(p[2].split()[0])))
    except (ValueError, IndexError):
        pass


def integral(a, b, k):
    total = 0.0
    for (t0, *v0), (t1, *v1) in zip(smi, smi[1:]):
        lo, hi = max(a, t0), min(b, t1)
        if hi > lo:
            total += (hi - lo) * (v0[k] + v1[k]) / 2
    return total


db = sqlite3.connect(f"{d}/gpu.db")
rows = db.execute(
    "select t.number, w.phase, w.duration_s, e.energy_j from windows w join trials t on t.id = w.trial_id"
    " join window_energy e on e.window_id = w.id where e.domain = 'gpu:0' and w.phase in ('train', 'infer') order by w.started_at_ms"
)
print("trial phase   seconds   ECOpt J  pynvml J   ECOpt/pynvml  smi average  smi instant")
nxt = {"train": "infer", "infer": "evaluate"}
for n, phase, seconds, joules in rows:
    a, b = marks.get((n, phase)), marks.get((n, nxt[phase]))
    if not (a and b):
        continue
    x = (b["energy_mj"] - a["energy_mj"]) / 1000
    avg, inst = integral(a["t"], b["t"], 0), integral(a["t"], b["t"], 1)
    print(f"{n:5d} {phase:6s} {seconds:8.3f} {joules:9.1f} {x:9.1f}   {joules / x - 1:+12.1%}  {avg / x - 1:+11.0%}  {inst / x - 1:+11.0%}")
