/**
 * npm run bench:projection — how well the short profile (the first 10% of training steps after
 * warm-up) projects a trial's whole training duration and energy: median and worst relative
 * error over a study's trials. Real training on the bundled digits (wasm backend), energy from
 * whatever meters this machine has. Writes docs/bench/projection.{md,json}. BENCH_TRIALS sets
 * the number of trials (default 16).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src-main/engine/store/store';
import { runStudy } from '../../src-main/engine/study/study';
import { parseStudySpec } from '../../src-main/shared/spec';

const trials = Number(process.env.BENCH_TRIALS ?? 16);
const root = new URL('../..', import.meta.url).pathname;
const load = loadavg();
const r = parseStudySpec({
  name: 'projection-bench',
  dataset: { builtin: 'digits', maxSamples: 4000 },
  model: 'mlp',
  space: {
    hidden_layers: { type: 'int', low: 1, high: 3 },
    units: { type: 'int', low: 16, high: 256, log: true },
    epochs: { type: 'int', low: 4, high: 12 },
    batch_size: { type: 'categorical', choices: [32, 64, 128] },
  },
  objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
  sampler: 'sobol',
  trials,
  seed: 7,
  trial: { minInferS: 0.3 },
  meters: { idleBaselineS: 0 },
});
if (!r.ok) throw new Error(JSON.stringify(r.issues));
const store = new Store(join(mkdtempSync(join(tmpdir(), 'ecopt-bench-projection-')), 's.db'));
const outcome = await runStudy({ store, spec: r.spec });
const rows = outcome.trials.flatMap((t) => {
  const p = store.getTrialAttrs(t.id).train_projection as
    | { atFraction: number; projectedDurationS: number; projectedEnergyJ: number; intervalRel: number; actualDurationS: number; actualEnergyJ: number }
    | undefined;
  if (!p) return [];
  const durationErr = p.projectedDurationS / p.actualDurationS - 1;
  const energyErr = p.projectedEnergyJ / p.actualEnergyJ - 1;
  return [{ trial: t.number, ...p, durationErr, energyErr, inside: Math.abs(energyErr) <= p.intervalRel }];
});
store.close();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const eAbs = rows.map((x) => Math.abs(x.energyErr));
const dAbs = rows.map((x) => Math.abs(x.durationErr));
const md = [
  '# bench:projection',
  '',
  `${rows.length} trials (MLPs on digits, 4–12 epochs, wasm backend), projection after ${pct(rows[0]?.atFraction ?? 0.1)} of the steps; ${new Date().toISOString().slice(0, 10)}, 2-core VM, load average at start ${load.map((x) => x.toFixed(2)).join(', ')}. Energy from ${outcome.study.backend ? 'this machine\'s meters' : 'the meters'} (here: the CPU TDP estimate, so energy follows time).`,
  '',
  '| | median |error| | worst |error| | inside its stated interval |',
  '|---|---|---|---|',
  `| training energy | ${pct(median(eAbs))} | ${pct(Math.max(...eAbs))} | ${rows.filter((x) => x.inside).length}/${rows.length} |`,
  `| training duration | ${pct(median(dAbs))} | ${pct(Math.max(...dAbs))} | — |`,
  '',
  `Target: median within ±5% — ${median(eAbs) <= 0.05 ? 'met' : 'NOT met'} for energy, ${median(dAbs) <= 0.05 ? 'met' : 'NOT met'} for duration.`,
  '',
  '| trial | projected energy | actual | error | stated interval |',
  '|---|---|---|---|---|',
  ...rows.map((x) => `| ${x.trial} | ${x.projectedEnergyJ.toFixed(1)} J | ${x.actualEnergyJ.toFixed(1)} J | ${pct(x.energyErr)} | ±${pct(x.intervalRel)} |`),
  '',
];
mkdirSync(join(root, 'docs', 'bench'), { recursive: true });
writeFileSync(join(root, 'docs', 'bench', 'projection.md'), md.join('\n'));
writeFileSync(join(root, 'docs', 'bench', 'projection.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
process.stdout.write(md.join('\n'));
