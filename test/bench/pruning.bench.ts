/**
 * npm run bench:pruning — the same study with and without multi-objective pruning, for several
 * seeds: total tuning energy (every window of every trial, pruned ones included) and the final
 * hypervolume (both runs normalised together). The sampler is Sobol, so both runs propose the
 * same models and pruning is the only difference. Writes docs/bench/pruning.{md,json}.
 * BENCH_SEEDS (default 3) and BENCH_TRIALS (default 20) size it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '../../src-main/engine/store/sqlite-storage';
import { Store } from '../../src-main/engine/store/store';
import { runStudy } from '../../src-main/engine/study/study';
import { hypervolume, toMinimisation } from '../../src-main/shared/pareto';
import { parseStudySpec } from '../../src-main/shared/spec';

const seeds = Number(process.env.BENCH_SEEDS ?? 3);
const trials = Number(process.env.BENCH_TRIALS ?? 20);
const root = new URL('../..', import.meta.url).pathname;
const load = loadavg();
const rows: { seed: number; energyOffJ: number; energyOnJ: number; hvOff: number; hvOn: number; pruned: number }[] = [];

for (let seed = 1; seed <= seeds; seed++) {
  const results: Record<'off' | 'on', { energyJ: number; points: number[][]; pruned: number }> = {} as never;
  for (const mode of ['off', 'on'] as const) {
    const r = parseStudySpec({
      name: `pruning-${mode}`,
      dataset: { builtin: 'digits', maxSamples: 3000 },
      model: 'mlp',
      space: {
        hidden_layers: { type: 'int', low: 1, high: 3 },
        units: { type: 'int', low: 8, high: 256, log: true },
        learning_rate: { type: 'float', low: 0.0001, high: 0.03, log: true },
        epochs: { type: 'int', low: 3, high: 12 },
        batch_size: { type: 'categorical', choices: [32, 64, 128] },
      },
      objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
      sampler: 'sobol',
      trials,
      seed,
      trial: { minInferS: 0.5 },
      meters: { idleBaselineS: 0 },
      pruning: { enabled: mode === 'on' },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const store = new Store(join(mkdtempSync(join(tmpdir(), 'ecopt-bench-pruning-')), 's.db'));
    const outcome = await runStudy({ storage: new SqliteStorage(store), spec: r.spec });
    let energyJ = 0;
    for (const t of outcome.trials) for (const w of store.getWindows({ trialId: t.id })) energyJ += w.domains.reduce((a, d) => a + d.energyJ, 0);
    const points = outcome.trials
      .filter((t) => t.state === 'complete')
      .map((t) => toMinimisation([t.metrics.accuracy!, t.metrics.infer_energy_j_per_sample!], ['maximize', 'minimize']));
    results[mode] = { energyJ, points, pruned: outcome.trials.filter((t) => t.state === 'pruned').length };
    store.close();
    process.stderr.write(`seed ${seed} pruning ${mode}: ${energyJ.toFixed(0)} J, ${results[mode].pruned} pruned\n`);
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
    pruned: results.on.pruned,
  });
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const saved = rows.map((r) => 1 - r.energyOnJ / r.energyOffJ);
const hvLoss = rows.map((r) => 1 - r.hvOn / r.hvOff);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const md = [
  '# bench:pruning',
  '',
  `${seeds} seeds × ${trials} trials with and without pruning (MLPs on digits, Sobol proposals, wasm backend); ${new Date().toISOString().slice(0, 10)}, 2-core VM, load average at start ${load.map((x) => x.toFixed(2)).join(', ')}. Energy: every measurement window of every trial.`,
  '',
  '| seed | tuning energy without | with pruning | saved | trials pruned | hypervolume without | with | hypervolume lost |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r, i) => `| ${r.seed} | ${r.energyOffJ.toFixed(0)} J | ${r.energyOnJ.toFixed(0)} J | ${pct(saved[i]!)} | ${r.pruned}/${trials} | ${r.hvOff.toFixed(4)} | ${r.hvOn.toFixed(4)} | ${pct(hvLoss[i]!)} |`),
  '',
  `Mean: ${pct(mean(saved))} less energy, ${pct(mean(hvLoss))} less hypervolume.`,
  `Target (≥ 40% less energy at a hypervolume within 2%): ${mean(saved) >= 0.4 && mean(hvLoss) <= 0.02 ? 'met' : 'NOT met'}.`,
  '',
];
mkdirSync(join(root, 'docs', 'bench'), { recursive: true });
writeFileSync(join(root, 'docs', 'bench', 'pruning.md'), md.join('\n'));
writeFileSync(join(root, 'docs', 'bench', 'pruning.json'), JSON.stringify({ date: new Date().toISOString(), seeds, trials, rows }, null, 2));
process.stdout.write(md.join('\n'));
