/**
 * npm run bench:projection — how well the short profile (past warm-up and the first epoch
 * boundary) projects a trial's whole training duration and energy: median and worst relative
 * error over a study's trials. Real training on the bundled digits (wasm backend), energy from
 * whatever meters this machine has. Writes docs/bench/projection.{md,json}. 28 trials over four
 * studies (MLP and CNN on digits, longer MLP trials on all of digits, an MLP on a CSV file);
 * BENCH_SCALE multiplies them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src-main/engine/store/store';
import { runStudy } from '../../src-main/engine/study/study';
import { SqliteStorage } from '../../src-main/engine/store/sqlite-storage';
import { parseStudySpec } from '../../src-main/shared/spec';
import { withinInterval } from '../../src-main/shared/projection-check';

const scale = Number(process.env.BENCH_SCALE ?? 1);
const root = new URL('../..', import.meta.url).pathname;
const load = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'ecopt-bench-projection-'));

// a CSV study of the user's kind: 4,000 rows, 12 numeric columns, 3 classes (a fixed generator)
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const header = [...Array.from({ length: 12 }, (_, i) => `x${i}`), 'label'];
const csvRows = Array.from({ length: 4000 }, () => {
  const xs = Array.from({ length: 12 }, () => rand() * 2 - 1);
  const score = xs[0]! + 0.5 * xs[1]! - xs[2]! * xs[3]!;
  return [...xs.map((x) => x.toFixed(4)), score < -0.3 ? 'a' : score < 0.3 ? 'b' : 'c'].join(',');
});
writeFileSync(join(dir, 'synthetic.csv'), [header.join(','), ...csvRows].join('\n'));

const STUDIES = [
  {
    family: 'MLP, digits',
    spec: {
      name: 'projection-mlp',
      dataset: { builtin: 'digits', maxSamples: 4000 },
      model: 'mlp',
      space: {
        hidden_layers: { type: 'int', low: 1, high: 3 },
        units: { type: 'int', low: 16, high: 256, log: true },
        epochs: { type: 'int', low: 3, high: 12 },
        batch_size: { type: 'categorical', choices: [32, 64, 128] },
      },
      trials: Math.round(12 * scale),
    },
  },
  {
    // longer trials, of a size whose projection is worth waiting for: the profile stays short
    family: 'MLP, digits, longer',
    spec: {
      name: 'projection-mlp-long',
      dataset: { builtin: 'digits', maxSamples: 10000 },
      model: 'mlp',
      space: {
        hidden_layers: { type: 'int', low: 1, high: 3 },
        units: { type: 'int', low: 64, high: 256, log: true },
        epochs: { type: 'int', low: 10, high: 16 },
        batch_size: { type: 'categorical', choices: [32, 64] },
      },
      trials: Math.round(4 * scale),
    },
  },
  {
    family: 'CNN, digits',
    spec: {
      name: 'projection-cnn',
      dataset: { builtin: 'digits', maxSamples: 1500 },
      model: 'cnn',
      space: {
        conv_layers: { type: 'int', low: 1, high: 2 },
        filters: { type: 'categorical', choices: [4, 8] },
        kernel_size: { type: 'fixed', value: 3 },
        epochs: { type: 'int', low: 2, high: 4 },
        learning_rate: { type: 'fixed', value: 0.01 },
        batch_size: { type: 'categorical', choices: [32, 64] },
      },
      trials: Math.round(6 * scale),
    },
  },
  {
    family: 'MLP, a CSV file',
    spec: {
      name: 'projection-csv',
      dataset: { csv: join(dir, 'synthetic.csv'), target: 'label' },
      model: 'mlp',
      space: {
        hidden_layers: { type: 'int', low: 1, high: 3 },
        units: { type: 'int', low: 16, high: 128, log: true },
        epochs: { type: 'int', low: 3, high: 10 },
        batch_size: { type: 'categorical', choices: [32, 64] },
      },
      trials: Math.round(6 * scale),
    },
  },
];

interface Row {
  family: string;
  trial: number;
  atFraction: number;
  projectedDurationS: number;
  projectedEnergyJ: number;
  intervalRel: number;
  durationIntervalRel: number;
  actualDurationS: number;
  actualEnergyJ: number;
  durationErr: number;
  energyErr: number;
  inside: boolean;
  insideDuration: boolean;
  /** Finished trials of the study its remainder was calibrated on (0: none yet). */
  calibratedOn: number;
}
const rows: Row[] = [];
let backend = '';
for (const { family, spec } of STUDIES) {
  const r = parseStudySpec({
    ...spec,
    objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
    sampler: 'sobol',
    seed: 7,
    trial: { minInferS: 0.3 },
    meters: { idleBaselineS: 0 },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const store = new Store(join(dir, `${spec.name}.db`));
  const outcome = await runStudy({ storage: new SqliteStorage(store), spec: r.spec });
  backend = outcome.study.backend ?? backend;
  for (const t of outcome.trials) {
    const p = store.getTrialAttrs(t.id).train_projection as
      | { atFraction: number; projectedDurationS: number; projectedEnergyJ: number; intervalRel: number; durationIntervalRel?: number; actualDurationS: number; actualEnergyJ: number; calibration?: { n: number } }
      | undefined;
    if (!p) continue;
    const durationErr = p.projectedDurationS / p.actualDurationS - 1;
    const energyErr = p.projectedEnergyJ / p.actualEnergyJ - 1;
    const durationIntervalRel = p.durationIntervalRel ?? p.intervalRel;
    rows.push({ family, trial: t.number, ...p, durationIntervalRel, durationErr, energyErr, inside: withinInterval(energyErr, p.intervalRel), insideDuration: withinInterval(durationErr, durationIntervalRel), calibratedOn: p.calibration?.n ?? 0 });
  }
  store.close();
  console.log(`${family}: ${outcome.trials.length} trials`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const eAbs = rows.map((x) => Math.abs(x.energyErr));
const dAbs = rows.map((x) => Math.abs(x.durationErr));
const fams = [...new Set(rows.map((x) => x.family))];
const md = [
  '# bench:projection',
  '',
  `${rows.length} trials (${fams.map((f) => `${rows.filter((x) => x.family === f).length} ${f}`).join(', ')}; ${backend} backend), each projected once during training: epoch 0 left out as warm-up, then whole epochs profiled until the profile lasts 1 s or half the epochs are done (half of epoch 1 in a run of 2 epochs; 10% of the steps, at least 8, in a run of one); ${new Date().toISOString().slice(0, 10)}, 2-core VM, load average at start ${load.map((x) => x.toFixed(2)).join(', ')}, at the end ${loadavg().map((x) => x.toFixed(2)).join(', ')}. Energy from this machine's meters (here: the CPU TDP estimate). The projection is the training window's energy so far scaled by the trial's projected CPU time, its remainder calibrated, from a study's fourth trial on, by how the study's finished trials' remainders turned out; the actual is the window's measured total. "Inside": the actual within the stated ±interval (about 90%; energy and duration each have their own).`,
  '',
  '| | median |error| | worst |error| | inside its stated interval |',
  '|---|---|---|---|',
  `| training energy | ${pct(median(eAbs))} | ${pct(Math.max(...eAbs))} | ${rows.filter((x) => x.inside).length}/${rows.length} |`,
  `| training duration | ${pct(median(dAbs))} | ${pct(Math.max(...dAbs))} | ${rows.filter((x) => x.insideDuration).length}/${rows.length} |`,
  '',
  `- made at a median ${pct(median(rows.map((x) => x.atFraction)))} of the training's steps (${fams.map((f) => `${f}: ${pct(median(rows.filter((x) => x.family === f).map((x) => x.atFraction)))}`).join('; ')}): a profile lasts at least a second or half the epochs, so on trials of a few seconds it ends late`,
  ...[
    ['not yet calibrated (a study\'s first trials)', rows.filter((x) => x.calibratedOn === 0)],
    ['calibrated on the study\'s finished trials', rows.filter((x) => x.calibratedOn > 0)],
  ].map(([label, rs]) => {
    const r = rs as Row[];
    return r.length ? `- ${label as string} (${r.length}): median |error| energy ${pct(median(r.map((x) => Math.abs(x.energyErr))))}, duration ${pct(median(r.map((x) => Math.abs(x.durationErr))))}` : `- ${label as string}: none`;
  }),
  ...fams.map((f) => {
    const rs = rows.filter((x) => x.family === f);
    return `- ${f}: median |error| energy ${pct(median(rs.map((x) => Math.abs(x.energyErr))))}, duration ${pct(median(rs.map((x) => Math.abs(x.durationErr))))}; inside ${rs.filter((x) => x.inside).length}/${rs.length}`;
  }),
  '',
  `Targets: median within ±5% — ${median(eAbs) <= 0.05 ? 'met' : 'NOT met'} for energy, ${median(dAbs) <= 0.05 ? 'met' : 'NOT met'} for duration; the interval holds the actual in ≥ 85% of trials — ${rows.filter((x) => x.inside).length / rows.length >= 0.85 ? 'met' : 'NOT met'} for energy, ${rows.filter((x) => x.insideDuration).length / rows.length >= 0.85 ? 'met' : 'NOT met'} for duration.`,
  '',
  '| family | trial | calibrated on | projected at | projected energy | actual | error | stated interval | projected time | actual | error | stated interval |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((x) => `| ${x.family} | ${x.trial} | ${x.calibratedOn ? `${x.calibratedOn} trials` : '—'} | ${pct(x.atFraction)} | ${x.projectedEnergyJ.toFixed(1)} J | ${x.actualEnergyJ.toFixed(1)} J | ${pct(x.energyErr)} | ±${pct(x.intervalRel)} | ${x.projectedDurationS.toFixed(2)} s | ${x.actualDurationS.toFixed(2)} s | ${pct(x.durationErr)} | ±${pct(x.durationIntervalRel)} |`),
  '',
];
mkdirSync(join(root, 'docs', 'bench'), { recursive: true });
writeFileSync(join(root, 'docs', 'bench', 'projection.md'), md.join('\n'));
writeFileSync(join(root, 'docs', 'bench', 'projection.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
process.stdout.write(md.join('\n'));
