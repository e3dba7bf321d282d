/**
 * npm run bench:pruning — the digits MLP study with and without multi-objective pruning, for
 * several seeds: tuning energy (the attributed energy of every window of every trial, pruned ones
 * included) and the final hypervolume of the stored values (both runs normalised together). The
 * sampler is Sobol with the seed fixed, so both runs propose the same models and pruning only
 * changes when trials stop. Writes docs/bench/pruning.{md,json}.
 *
 * From the run without pruning it also says what was reachable: the share of the energy spent
 * after each trial's first epoch, and an oracle that knows every end point and stops at epoch 1
 * each trial that ends dominated by the trials finished before it (the same minimum of finished
 * trials) — no predictor can save more by dominance alone.
 *
 * BENCH_SEEDS (default 5), BENCH_TRIALS (default 30) and BENCH_Z (default: the spec's) size it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '../../src-main/engine/store/sqlite-storage';
import { Store } from '../../src-main/engine/store/store';
import { runStudy } from '../../src-main/engine/study/study';
import { attributedJ } from '../../src-main/engine/trials/energy';
import { curveFromAttrs } from '../../src-main/engine/trials/learning-curve';
import { dominates, hypervolume, toMinimisation } from '../../src-main/shared/pareto';
import { parseStudySpec } from '../../src-main/shared/spec';

const seeds = Number(process.env.BENCH_SEEDS ?? 5);
const trials = Number(process.env.BENCH_TRIALS ?? 30);
const z = process.env.BENCH_Z ? Number(process.env.BENCH_Z) : undefined;
const root = new URL('../..', import.meta.url).pathname;
const loadStart = loadavg();
const started = Date.now();

interface Row {
  seed: number;
  energyOffJ: number;
  energyOnJ: number;
  hvOff: number;
  hvOn: number;
  /** The trials pruning kept, at the values the run without pruning measured for them: the decisions' own cost, without re-measurement noise. */
  hvKept: number;
  /** Root mean square log ratio of the inference energy per prediction a model measured in the two runs: the machine's re-measurement noise. */
  energyRerunSdLog: number;
  pruned: number;
  /** Pruned after epoch 1, 2, …: counts. */
  prunedAtEpoch: Record<string, number>;
  /** Share of the run without pruning spent after each trial's first epoch. */
  afterEpoch1: number;
  /** The oracle's saving (see the file's comment). */
  oracleSaved: number;
  wallOffS: number;
  wallOnS: number;
}
const rows: Row[] = [];

function rerunSdLog(a: Map<number, number[]>, b: Map<number, number[]>): number {
  const logs = [...b.keys()].filter((n) => a.has(n)).map((n) => Math.log(b.get(n)![1]! / a.get(n)![1]!));
  return logs.length ? Math.sqrt(logs.reduce((s, x) => s + x * x, 0) / logs.length) : Number.NaN;
}

function spec(seed: number, enabled: boolean) {
  const r = parseStudySpec({
    name: `pruning-${enabled ? 'on' : 'off'}`,
    dataset: { builtin: 'digits', maxSamples: 3000 },
    model: 'mlp',
    space: {
      hidden_layers: { type: 'int', low: 1, high: 3 },
      units: { type: 'int', low: 8, high: 256, log: true },
      learning_rate: { type: 'float', low: 0.0001, high: 0.03, log: true },
      epochs: { type: 'int', low: 2, high: 10 },
      batch_size: { type: 'categorical', choices: [32, 64, 128] },
    },
    objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
    sampler: 'sobol',
    trials,
    seed,
    trial: { minInferS: 0.3 },
    meters: { idleBaselineS: 0 },
    pruning: { enabled, ...(z !== undefined ? { z } : {}) },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}
const minTrials = spec(1, true).pruning.minTrials;
const zUsed = spec(1, true).pruning.z;

for (let seed = 1; seed <= seeds; seed++) {
  type Run = { energyJ: number; points: number[][]; byNumber: Map<number, number[]>; pruned: number; prunedAtEpoch: Record<string, number>; afterEpoch1J: number; oracleJ: number; wallS: number };
  const results = {} as Record<'off' | 'on', Run>;
  for (const mode of ['off', 'on'] as const) {
    const store = new Store(join(mkdtempSync(join(tmpdir(), 'ecopt-bench-pruning-')), 's.db'));
    const t0 = Date.now();
    const outcome = await runStudy({ storage: new SqliteStorage(store), spec: spec(seed, mode === 'on') });
    const wallS = (Date.now() - t0) / 1000;
    let energyJ = 0;
    let afterEpoch1J = 0;
    let oracleJ = 0;
    const prunedAtEpoch: Record<string, number> = {};
    const finished: number[][] = [];
    for (const t of outcome.trials) {
      const windows = store.getWindows({ trialId: t.id });
      const trialJ = windows.reduce((a, w) => a + attributedJ(w), 0);
      energyJ += trialJ;
      const attrs = store.getTrialAttrs(t.id);
      if (t.state === 'pruned') {
        const key = /after its last epoch/.test(t.failure?.message ?? '') ? 'last epoch' : 'extrapolated';
        prunedAtEpoch[key] = (prunedAtEpoch[key] ?? 0) + 1;
      }
      if (mode === 'off' && t.state === 'complete') {
        const epochs = Math.max(1, curveFromAttrs(attrs.learning_curve).length);
        const firstEpochJ = windows.filter((w) => w.phase === 'train').reduce((a, w) => a + attributedJ(w), 0) / epochs;
        afterEpoch1J += trialJ - firstEpochJ;
        const point = toMinimisation([t.metrics.accuracy!, t.metrics.infer_energy_j_per_sample!], ['maximize', 'minimize']);
        const dominated = finished.length >= minTrials && finished.some((f) => dominates(f, point) || f.every((v, k) => v === point[k]));
        oracleJ += dominated ? firstEpochJ : trialJ;
        if (!dominated) finished.push(point);
      }
    }
    const complete = outcome.trials.filter((t) => t.state === 'complete');
    const points = complete.map((t) => toMinimisation([t.metrics.accuracy!, t.metrics.infer_energy_j_per_sample!], ['maximize', 'minimize']));
    const byNumber = new Map(complete.map((t, i) => [t.number, points[i]!]));
    results[mode] = { energyJ, points, byNumber, pruned: outcome.trials.filter((t) => t.state === 'pruned').length, prunedAtEpoch, afterEpoch1J, oracleJ, wallS };
    store.close();
    process.stderr.write(`seed ${seed} pruning ${mode}: ${energyJ.toFixed(0)} J, ${results[mode].pruned} pruned, ${wallS.toFixed(0)} s\n`);
  }
  // normalise both runs together; reference point just beyond the worst values seen
  const all = [...results.off.points, ...results.on.points];
  const lo = [0, 1].map((k) => Math.min(...all.map((p) => p[k]!)));
  const hi = [0, 1].map((k) => Math.max(...all.map((p) => p[k]!)));
  const norm = (pts: number[][]) => pts.map((p) => p.map((v, k) => (v - lo[k]!) / (hi[k]! - lo[k]! || 1)));
  rows.push({
    seed,
    energyOffJ: results.off.energyJ,
    energyOnJ: results.on.energyJ,
    hvOff: hypervolume(norm(results.off.points), [1.1, 1.1]),
    hvOn: hypervolume(norm(results.on.points), [1.1, 1.1]),
    hvKept: hypervolume(norm([...results.on.byNumber.keys()].map((n) => results.off.byNumber.get(n)!).filter(Boolean)), [1.1, 1.1]),
    energyRerunSdLog: rerunSdLog(results.off.byNumber, results.on.byNumber),
    pruned: results.on.pruned,
    prunedAtEpoch: results.on.prunedAtEpoch,
    afterEpoch1: results.off.afterEpoch1J / results.off.energyJ,
    oracleSaved: 1 - results.off.oracleJ / results.off.energyJ,
    wallOffS: results.off.wallS,
    wallOnS: results.on.wallS,
  });
}

const loadEnd = loadavg();
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const saved = rows.map((r) => 1 - r.energyOnJ / r.energyOffJ);
const hvLoss = rows.map((r) => 1 - r.hvOn / r.hvOff);
const keptLoss = rows.map((r) => 1 - r.hvKept / r.hvOff);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const met = mean(saved) >= 0.4 && mean(hvLoss) <= 0.02;
const date = new Date().toISOString();
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(', ');
const md = [
  '# bench:pruning',
  '',
  `${seeds} seeds × ${trials} trials with and without pruning (MLPs on digits, 1–3 layers of 8–256 units, 2–10 epochs; Sobol proposals, the same in both runs; wasm backend; pruning ${z !== undefined ? `at its defaults but z = ${zUsed} (BENCH_Z)` : `at its defaults (z = ${zUsed})`}, from ${minTrials} finished trials). ${date.slice(0, 16).replace('T', ' ')} UTC, 2-core VM shared with other sessions: load average ${loads(loadStart)} at the start, ${loads(loadEnd)} at the end; ${((Date.now() - started) / 60000).toFixed(0)} min in all. Tuning energy: the attributed energy of every window of every trial, pruned ones included. Hypervolume: the complete trials' stored values, both runs normalised together.`,
  '',
  '| seed | tuning energy without | with pruning | saved | trials pruned (extrapolated / after the last epoch) | hypervolume without | with | hypervolume lost | lost, kept trials at their unpruned values | energy re-measured (log sd) | energy after epoch 1 | oracle saving |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r, i) =>
      `| ${r.seed} | ${r.energyOffJ.toFixed(0)} J | ${r.energyOnJ.toFixed(0)} J | ${pct(saved[i]!)} | ${r.pruned}/${trials} (${r.prunedAtEpoch.extrapolated ?? 0} / ${r.prunedAtEpoch['last epoch'] ?? 0}) | ${r.hvOff.toFixed(4)} | ${r.hvOn.toFixed(4)} | ${pct(hvLoss[i]!)} | ${pct(keptLoss[i]!)} | ${r.energyRerunSdLog.toFixed(2)} | ${pct(r.afterEpoch1)} | ${pct(r.oracleSaved)} |`,
  ),
  '',
  `Mean: ${pct(mean(saved))} less energy, ${pct(mean(hvLoss))} less hypervolume (${pct(mean(keptLoss))} with the kept trials valued as the run without pruning measured them: what the decisions themselves lost; the same model's inference energy per prediction moved by a log sd of ${mean(rows.map((r) => r.energyRerunSdLog)).toFixed(2)} between the two runs). Reachable: ${pct(mean(rows.map((r) => r.afterEpoch1)))} of the energy is spent after the first epochs; the oracle (every end point known, stopping at epoch 1 each trial that ends dominated by those finished before it) saves ${pct(mean(rows.map((r) => r.oracleSaved)))}.`,
  `Target (≥ 40% less energy at a hypervolume within 2%): ${met ? 'met' : 'NOT met'}.`,
  '',
];
mkdirSync(join(root, 'docs', 'bench'), { recursive: true });
writeFileSync(join(root, 'docs', 'bench', 'pruning.md'), md.join('\n'));
writeFileSync(
  join(root, 'docs', 'bench', 'pruning.json'),
  JSON.stringify({ date, seeds, trials, z: zUsed, minTrials, loadAverageStart: loadStart, loadAverageEnd: loadEnd, meanSaved: mean(saved), meanHypervolumeLost: mean(hvLoss), meanHypervolumeLostAtUnprunedValues: mean(keptLoss), met, rows }, null, 2),
);
process.stdout.write(md.join('\n'));
