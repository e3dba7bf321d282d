/**
 * npm run bench:tuner — hypervolume regret (max HV − HV reached, on the true values) after 25, 50,
 * 100 and 200 evaluations, mean ± sd over 10 seeds, for every sampler on the problems of
 * problems.ts (BoTorch's ZDT1-3, DTLZ1-2, BraninCurrin; our mixed space; noisy variants observed
 * with 5% or 20% noise), every sampler given the reference point as objective limits; the same
 * with 2 and 4 proposals outstanding (trials still running when the next is asked); and GP-EHVI's
 * time per proposal at 50-500 finished trials (2 objectives) and with 4 objectives and 12
 * parameters at 100 (random history, and the worst case: all 100 mutually non-dominated, with
 * the peak memory of a process doing only that).
 * `auto` is not run separately: below 300 finished trials it proposes exactly what `gp-ehvi`
 * does (tested in multi-objective.test.ts), so its rows would repeat gp-ehvi's.
 *
 * `--latency-only` measures only the time per proposal and replaces that section of the existing
 * docs/bench/tuner.{md,json}, leaving the regret tables as they were; `--baseline=<checkout>`
 * measures every latency case with that checkout's samplers too (e.g. a `git worktree` of the
 * last commit), interleaved with ours in the same run, and reports the ratio.
 *
 * Writes docs/bench/tuner.{md,json}. Knobs (comma lists): BENCH_SEEDS, BENCH_EVALS,
 * BENCH_SAMPLERS, BENCH_PROBLEMS (names as in the tables), BENCH_OUTSTANDING ("2,4"; "" skips),
 * BENCH_BATCH_SAMPLERS ("gp-ehvi,motpe"), BENCH_BATCH_EVALS (50), BENCH_SKIP_TIMING=1;
 * BENCH_PART=<name> writes a partial result and BENCH_MERGE=1 merges the parts into the report.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createSampler } from '../../src-main/engine/samplers/index';
import type { FinishedTrial } from '../../src-main/engine/samplers/types';
import { makeRng } from '../../src-main/shared/rng';
import { median } from '../../src-main/shared/stats';
import { noisy, PROBLEMS, ZDT1, type Problem } from './problems';
import { problemObjectives, problemSpace, runSampler } from './tuner-harness';

const root = new URL('../..', import.meta.url).pathname;
const out = join(root, 'docs', 'bench');

/** DTLZ2 with m objectives and d variables (the many-objective latency case). */
function dtlz2(m: number, d: number): Problem {
  return {
    name: `DTLZ2-${m}x${d}`,
    d,
    m,
    ref: new Array<number>(m).fill(1.1),
    maxHv: NaN,
    f: (x) => {
      let g = 0;
      for (let i = m - 1; i < d; i++) g += (x[i]! - 0.5) ** 2;
      return Array.from({ length: m }, (_, k) => {
        let v = 1 + g;
        for (let j = 0; j < m - 1 - k; j++) v *= Math.cos((x[j]! * Math.PI) / 2);
        if (k > 0) v *= Math.sin((x[m - 1 - k]! * Math.PI) / 2);
        return v;
      });
    },
  };
}

/**
 * Proposals in a row as a study makes them, the k-th seeing n + k finished trials (one more each
 * time: a sampler may reuse work between proposals only as a running study lets it), wall-clock
 * and CPU time of this thread (the machine is shared: CPU time is what the proposal itself
 * costs); `worst` makes all values mutually non-dominated; a problem with `noiseSd` is observed
 * with that noise (seeded). WARM_UP proposals at n − 10 … n − 1 warm the process up, as a running
 * study's process has made every proposal since its start-up before it reaches n (the first, in
 * a fresh process, is its slowest: compilation, and no earlier fit to start from; it is what a
 * resumed study's first proposal costs); they count only towards `firstMs` and `worstMs`. The 8
 * at n … n + 7 are a full cycle of GP-EHVI's fit schedule (gp/objective-fit.ts: 7 warm-started
 * fits and 1 fresh one), whose median and mean are what a running study sees.
 */
const CYCLE = 8;
const WARM_UP = 10;
function latency(createSampler: typeof import('../../src-main/engine/samplers/index').createSampler, p: Problem, n: number, worst: boolean): Timing {
  const space = problemSpace(p);
  const rng = makeRng(n + p.m);
  const noise = makeRng(n + p.m + 0x0b5e);
  const history: FinishedTrial[] = Array.from({ length: n + CYCLE }, (_, i) => {
    const params = space.decode(space.dims.map(() => rng.next()));
    const x = space.dims.map((d) => params[d.name] as number);
    let values = p.f(x);
    if (p.noiseSd) values = values.map((v, k) => v + p.noiseSd![k]! * noise.normal());
    if (worst) {
      // a point of the simplex Σ y = 1: no two dominate each other
      const e = values.map(() => -Math.log(Math.max(rng.next(), 1e-12)));
      const s = e.reduce((a, b) => a + b, 0);
      values = e.map((v) => v / s);
    }
    return { number: i, index: i, state: 'complete' as const, params, cube: space.encode(params), values };
  });
  const s = createSampler('gp-ehvi', { space, objectives: problemObjectives(p, worst ? undefined : p.ref), seed: 1 }, {});
  const times: number[] = [];
  const cpu: number[] = [];
  for (let k = -WARM_UP; k < CYCLE; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    s.ask(history.slice(0, n + k), n + k);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const firstMs = times[0]!;
  const warmUp = times.splice(0, WARM_UP);
  cpu.splice(0, WARM_UP);
  return { medianMs: median(times)!, meanMs: times.reduce((a, b) => a + b, 0) / times.length, worstMs: Math.max(...warmUp, ...times), firstMs, cpuMedianMs: median(cpu)! };
}
type Timing = { medianMs: number; meanMs: number; worstMs: number; firstMs: number; cpuMedianMs: number };

/**
 * The same measure on the sampler's own run: a study of p from its first trial in this process
 * (objective limits at the reference point, observed with p's noise), each proposal asked when
 * the one before has finished. The history is then what GP-EHVI makes of the problem, its
 * trials crowding the front, where a random one has few points near it: on a noisy objective
 * that puts 40-50 trials on some posterior sample's front at 100 trials, against 10-20 for a
 * random history, and the noisy acquisition's cost grows with them. Proposals n … n + 7 are
 * timed as above; all before them warm the process up (`firstMs`: the first model proposal).
 */
function latencyInRun(createSampler: typeof import('../../src-main/engine/samplers/index').createSampler, p: Problem, n: number): Timing {
  const space = problemSpace(p);
  const s = createSampler('gp-ehvi', { space, objectives: problemObjectives(p, p.ref), seed: 1 }, {});
  const noise = makeRng(n + p.m + 0x0b5e);
  const history: FinishedTrial[] = [];
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n + CYCLE; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const params = s.ask(history, i);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    const x = space.dims.map((d) => params[d.name] as number);
    const values = p.f(x).map((v, k) => v + (p.noiseSd ? p.noiseSd[k]! * noise.normal() : 0));
    history.push({ number: i, index: i, state: 'complete', params, cube: space.encode(params), values });
  }
  const model = times.slice(10); // the first 10 are start-up points, not the model's
  const measured = model.slice(-CYCLE);
  return { medianMs: median(measured)!, meanMs: measured.reduce((a, b) => a + b, 0) / CYCLE, worstMs: Math.max(...model), firstMs: model[0]!, cpuMedianMs: median(cpu.slice(-CYCLE))! };
}

// a child process measuring one latency case alone, so its peak memory is its own
// (BENCH_SAMPLERS_FROM: the checkout whose samplers to time, for --baseline)
if (process.env.BENCH_LATENCY_CASE) {
  const [m, d, n, worst, noise = 0, inRun = 0] = process.env.BENCH_LATENCY_CASE.split(',').map(Number) as [number, number, number, number, number?, number?];
  const from = process.env.BENCH_SAMPLERS_FROM;
  const samplers = from ? ((await import(join(from, 'src-main/engine/samplers/index.ts'))) as typeof import('../../src-main/engine/samplers/index')) : { createSampler };
  const p = m === 2 && d === 10 ? (noise ? noisy(ZDT1, noise) : ZDT1) : dtlz2(m, d);
  const t = inRun ? latencyInRun(samplers.createSampler, p, n) : latency(samplers.createSampler, p, n, worst === 1);
  process.stdout.write(JSON.stringify({ ...t, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const latencyOnly = process.argv.includes('--latency-only');
const baselineRoot = process.argv.find((a) => a.startsWith('--baseline='))?.slice('--baseline='.length) ?? null;
const seeds = Number(process.env.BENCH_SEEDS ?? 10);
const evals = Number(process.env.BENCH_EVALS ?? 200);
const checkpoints = [25, 50, 100, 200].filter((c) => c <= evals);
const samplers = (process.env.BENCH_SAMPLERS ?? 'random,sobol,nsga2,motpe,gp-ehvi').split(',');
const wanted = process.env.BENCH_PROBLEMS?.split(',').map((s) => s.trim());
const problems = latencyOnly ? [] : PROBLEMS.filter((p) => !wanted || wanted.includes(p.name));
const outstanding = (process.env.BENCH_OUTSTANDING ?? '2,4').split(',').filter(Boolean).map(Number);
const batchSamplers = (process.env.BENCH_BATCH_SAMPLERS ?? 'gp-ehvi,motpe').split(',').filter((s) => samplers.includes(s));
const batchEvals = Math.min(evals, Number(process.env.BENCH_BATCH_EVALS ?? 50));
mkdirSync(out, { recursive: true });
const partFile = process.env.BENCH_PART ? join(out, `tuner.part-${process.env.BENCH_PART}.json`) : null;

type Cell = { mean: number; sd: number; values: number[] };
type Table = Record<string, Record<string, Record<number, Cell>>>;
interface LatencyRow {
  objectives: number;
  params: number;
  trials: number;
  history: string;
  /** Noise on the observed values, as a share of each objective's range (noisy(): absent when noiseless). */
  noise?: number;
  /** The history is GP-EHVI's own run from the first trial, not random points (latencyInRun). */
  inRun?: boolean;
  medianMs: number;
  worstMs: number;
  /** Mean of the measured cycle, and the fresh process's first proposal (older runs: absent). */
  meanMs?: number;
  firstMs?: number;
  cpuMedianMs?: number;
  peakRssMb?: number;
  /** The same case with the --baseline checkout's samplers, measured just before in the same run. */
  baseline?: { medianMs: number; meanMs?: number; worstMs: number; cpuMedianMs: number; peakRssMb: number; commit: string };
}
interface Payload {
  date: string;
  seeds: number;
  evals: number;
  checkpoints: number[];
  results: Table;
  batch: Table;
  wall: Record<string, Record<string, number>>;
  latency: LatencyRow[];
  /** Load averages (1, 5, 15 min) at the start and end of each run merged into this one. */
  loads: number[][];
  /** When the latency table was measured by a --latency-only run: its date and load averages (start, end). */
  latencyRun?: { date: string; loads: number[][] };
  node: string;
}

// BENCH_MERGE=1: combine the parts written by runs with BENCH_PART=<name> into one report
if (process.env.BENCH_MERGE) {
  const parts = readdirSync(out).filter((f) => /^tuner\.part-.*\.json$/.test(f));
  const merged = parts.map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as Payload);
  const base = merged[0]!;
  for (const m of merged.slice(1)) {
    for (const key of ['results', 'batch', 'wall'] as const) {
      for (const [problem, rows] of Object.entries(m[key])) base[key][problem] = { ...base[key][problem], ...rows } as never;
    }
    if (m.latency.length) base.latency = m.latency;
    base.loads.push(...m.loads);
    if (m.date < base.date) base.date = m.date;
  }
  writeReport(base);
  for (const f of parts) rmSync(join(out, f));
  process.exit(0);
}

const loadStart = loadavg();
const results: Table = {};
const batch: Table = {};
const wall: Record<string, Record<string, number>> = {};

function cells(regrets: Record<number, number[]>, at: number[]): Record<number, Cell> {
  return Object.fromEntries(
    at.map((c) => {
      const v = regrets[c]!;
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
      return [c, { mean, sd, values: v }];
    }),
  );
}

for (const p of problems) {
  results[p.name] = {};
  batch[p.name] = {};
  wall[p.name] = {};
  for (const s of samplers) {
    const t0 = performance.now();
    // 47 too (not tabled): the results a proposal made at 50 with 4 outstanding has seen
    const recorded = evals >= 50 ? [...checkpoints, 47] : checkpoints;
    const regrets: Record<number, number[]> = Object.fromEntries(recorded.map((c) => [c, []]));
    for (let seed = 0; seed < seeds; seed++) {
      const r = runSampler(s, p, seed, evals, {}, true);
      for (const c of recorded) regrets[c]!.push(p.maxHv - r.hv[c - 1]!);
    }
    wall[p.name]![s] = (performance.now() - t0) / 1000;
    results[p.name]![s] = cells(regrets, recorded);
    process.stderr.write(`${p.name} ${s}: ${checkpoints.map((c) => `${c}→${results[p.name]![s]![c]!.mean.toPrecision(3)}`).join(' ')} (${wall[p.name]![s]!.toFixed(0)} s)\n`);
  }
  const batchCheckpoints = checkpoints.filter((c) => c <= batchEvals);
  for (const s of batchSamplers) {
    for (const q of outstanding) {
      const regrets: Record<number, number[]> = Object.fromEntries(batchCheckpoints.map((c) => [c, []]));
      for (let seed = 0; seed < seeds; seed++) {
        const r = runSampler(s, p, seed, batchEvals, {}, true, q);
        for (const c of batchCheckpoints) regrets[c]!.push(p.maxHv - r.hv[c - 1]!);
      }
      batch[p.name]![`${s} ×${q}`] = cells(regrets, batchCheckpoints);
      process.stderr.write(`${p.name} ${s} with ${q} outstanding: ${batchCheckpoints.map((c) => `${c}→${batch[p.name]![`${s} ×${q}`]![c]!.mean.toPrecision(3)}`).join(' ')}\n`);
    }
  }
}

const latencyRows: LatencyRow[] = [];
if (!process.env.BENCH_SKIP_TIMING) {
  // objectives, parameters, finished trials, all mutually non-dominated (1), observation noise, the sampler's own run (1)
  const cases: [number, number, number, 0 | 1, number, (0 | 1)?][] = [
    [2, 10, 50, 0, 0],
    [2, 10, 100, 0, 0],
    [2, 10, 100, 0, 0, 1],
    [2, 10, 100, 0, 0.2],
    [2, 10, 100, 0, 0.2, 1],
    [2, 10, 200, 0, 0],
    [2, 10, 500, 0, 0],
    [3, 12, 100, 0, 0],
    [4, 12, 100, 0, 0],
    [4, 12, 100, 1, 0],
  ];
  type Timed = Timing & { peakRssMb: number };
  const measure = (c: number[], from: string | null): Timed => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname], {
      cwd: root,
      env: { ...process.env, BENCH_LATENCY_CASE: c.join(','), ...(from ? { BENCH_SAMPLERS_FROM: from } : {}) },
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (r.status !== 0) throw new Error(`latency case ${c.join(',')}${from ? ` (baseline ${from})` : ''} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Timed;
  };
  const baselineCommit = baselineRoot ? spawnSync('git', ['-C', baselineRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || baselineRoot : '';
  for (const [m, d, n, worst, noise, inRun = 0] of cases) {
    const c = [m, d, n, worst, noise, inRun];
    const base = baselineRoot ? { ...measure(c, baselineRoot), commit: baselineCommit } : undefined;
    const t = measure(c, null);
    const observed = noise ? `, observed with ${Math.round(noise * 100)}% noise` : '';
    const history = worst ? 'all mutually non-dominated' : m === 2 ? (inRun ? `GP-EHVI's own run on ZDT1${observed}` : `random (ZDT1)${observed}`) : `random (DTLZ2)`;
    const row: LatencyRow = { objectives: m, params: d, trials: n, history, ...(noise ? { noise } : {}), ...(inRun ? { inRun: true } : {}), ...t, ...(base ? { baseline: base } : {}) };
    latencyRows.push(row);
    process.stderr.write(
      `gp-ehvi ask, ${m} objectives, ${d} params, ${n} trials, ${row.history}: median ${t.medianMs.toFixed(0)} ms (CPU ${t.cpuMedianMs.toFixed(0)} ms), mean ${t.meanMs.toFixed(0)} ms, first ${t.firstMs.toFixed(0)} ms, worst ${t.worstMs.toFixed(0)} ms, peak ${t.peakRssMb.toFixed(0)} MB${base ? `; baseline median ${base.medianMs.toFixed(0)} ms (CPU ${base.cpuMedianMs.toFixed(0)} ms)` : ''}\n`,
    );
  }
}

const payload: Payload = {
  date: new Date().toISOString(),
  seeds,
  evals,
  checkpoints,
  results,
  batch,
  wall,
  latency: latencyRows,
  loads: [loadStart, loadavg()],
  node: process.versions.node,
};
if (partFile) {
  writeFileSync(partFile, JSON.stringify(payload));
  process.exit(0);
}
if (latencyOnly) {
  // only the latency section changes: the regret tables stay those of the last full run
  const previous = JSON.parse(readFileSync(join(out, 'tuner.json'), 'utf8')) as Payload;
  writeReport({ ...previous, latency: latencyRows, latencyRun: { date: payload.date, loads: payload.loads } });
} else {
  writeReport(payload);
}

function writeReport(data: Payload): void {
  const oneMinute = data.loads.map((l) => l[0]!);
  const loadText = `1-minute load average ${Math.min(...oneMinute).toFixed(2)}–${Math.max(...oneMinute).toFixed(2)} (measured at the start and end of each of ${data.loads.length / 2} run${data.loads.length > 2 ? 's' : ''} merged here)`;
  const lines = [
    '# bench:tuner',
    '',
    `Hypervolume regret (maximum hypervolume − hypervolume reached, on the true objective values; lower is better), mean ± sd over ${data.seeds} seeds, ${data.date.slice(0, 10)}, Node ${data.node}, 2-core VM shared with other work, ${loadText}.`,
    'ZDT1-3, DTLZ1 (multimodal), DTLZ2 and BraninCurrin as in BoTorch (`test_functions/multi_objective.py`), minimisation on [0,1]^d; `Mixed` is ours (problems.ts: a log-scaled float, a float, two integers, one log-scaled, a 3-way category; its front is known exactly). "N% noise": the sampler observes each objective with Gaussian noise of N% of its range over the space, the regret is of the true values. Every sampler is given the reference point as objective limits. `auto` proposes exactly what `gp-ehvi` does below 300 finished trials, so it has no rows of its own.',
    '',
  ];
  for (const [problem, bySampler] of Object.entries(data.results)) {
    lines.push(`## ${problem}`, '', `| sampler | ${data.checkpoints.map((c) => `${c} evals`).join(' | ')} | wall (all seeds) |`, `|---|${data.checkpoints.map(() => '---').join('|')}|---|`);
    for (const [s, c] of Object.entries(bySampler)) {
      lines.push(`| ${s} | ${data.checkpoints.map((k) => `${fmt(c[k]!.mean)} ± ${fmt(c[k]!.sd)}`).join(' | ')} | ${data.wall[problem]![s]!.toFixed(0)} s |`);
    }
    const b = data.batch[problem] ?? {};
    for (const [s, c] of Object.entries(b)) {
      lines.push(`| ${s.replace('×', 'with ')} outstanding | ${data.checkpoints.map((k) => (c[k] ? `${fmt(c[k].mean)} ± ${fmt(c[k].sd)}` : '—')).join(' | ')} | |`);
    }
    lines.push('');
  }
  lines.push('## Targets', '');
  for (const [problem, bySampler] of Object.entries(data.results)) {
    const at = (s: string, c: number) => bySampler[s]?.[c]?.mean;
    const bestBaseline = Math.min(at('nsga2', 200) ?? Infinity, at('motpe', 200) ?? Infinity);
    const v = at('gp-ehvi', 50);
    if (v !== undefined && Number.isFinite(bestBaseline)) {
      lines.push(`- ${problem}: gp-ehvi (= auto) at 50 evaluations ${fmt(v)} vs best of NSGA-II/MO-TPE at 200 ${fmt(bestBaseline)} — ${v < bestBaseline ? 'met' : 'NOT met'}`);
    }
    const q4 = data.batch[problem]?.['gp-ehvi ×4']?.[50]?.mean;
    if (q4 !== undefined && v !== undefined) {
      const seen = at('gp-ehvi', 47);
      // paired by seed: is the difference resolvable with this many seeds?
      const a = data.batch[problem]!['gp-ehvi ×4']![50]!.values;
      const b = bySampler['gp-ehvi']![50]!.values;
      const diff = a.map((x, i) => x - b[i]!);
      const dMean = diff.reduce((x, y) => x + y, 0) / diff.length;
      const dSe = Math.sqrt(diff.reduce((x, y) => x + (y - dMean) ** 2, 0) / Math.max(1, diff.length - 1) / diff.length);
      const paired = `; paired by seed, 4 outstanding − sequential ${dMean >= 0 ? '+' : '−'}${fmt(Math.abs(dMean))} ± ${fmt(dSe)} (standard error) against a 10% margin of ${fmt(0.1 * v)}`;
      const context = (seen === undefined ? '' : `; sequential at 47, the results the last of the 4 saw: ${fmt(seen)}`) + paired;
      lines.push(`- ${problem}: gp-ehvi with 4 outstanding at 50 evaluations ${fmt(q4)} vs sequential ${fmt(v)} (${q4 <= v * 1.1 ? 'within 10%: met' : `${(((q4 - v) / v) * 100).toFixed(0)}% worse: NOT met`}${context})`);
    }
  }
  if (data.latency.length) {
    const run = data.latencyRun;
    const runText = run
      ? `Measured on its own (\`--latency-only\`) on ${run.date.slice(0, 10)}, 1-minute load average ${run.loads.map((l) => l[0]!.toFixed(2)).join(' at the start, ')} at the end (2 cores, shared with other work).`
      : 'On the same shared machine (load above).';
    const withBase = data.latency.some((r) => r.baseline);
    lines.push(
      '',
      '## GP-EHVI time per proposal',
      '',
      `${runText} Each case in a process of its own: proposals in a row as a study makes them, each seeing one more finished trial than the one before (the "finished trials" column is the first's). Ten proposals (at 10 … 1 fewer finished trials) warm the process up, as a running study's process has made every proposal since its start-up before it gets there, and are timed apart: the first, a fresh process's, is compilation and a fit with nothing to start from (what a resumed study's first proposal costs), and the next few still compile. Median, mean and CPU median are of the 8 after them, a full cycle of GP-EHVI's fit schedule (7 fits warm-started from the last, 1 fresh: what a running study sees); worst is of all 18. Rows whose history is GP-EHVI's own run time proposals n … n + 7 of a study the sampler makes from its first trial in that process: its trials crowd the front as a real study's do (on a noisy objective 40–50 trials are on some posterior sample's front at 100 trials, 10–20 with a random history, and the noisy acquisition's cost grows with them); their "first" is the run's first model proposal, and worst is of all its model proposals. Wall-clock time, and the CPU time the process spent (all its threads: V8's garbage collector and compiler work beside the proposal, so it can exceed the wall-clock time; contention inflates it too). Peak memory is that process's maximum resident set, Node itself included.${withBase ? ` "Baseline": the same case with the samplers of commit ${data.latency.find((r) => r.baseline)!.baseline!.commit}, run just before ours in the same run, and the ratio of the medians (ours / baseline; CPU time in brackets).` : ''}`,
      '',
      `| objectives | parameters | finished trials | history | median wall | mean wall | median CPU | first (fresh process) | worst wall | peak memory |${withBase ? ' baseline median wall (CPU) | ratio wall (CPU) |' : ''}`,
      `|---|---|---|---|---|---|---|---|---|---|${withBase ? '---|---|' : ''}`,
    );
    for (const r of data.latency) {
      const b = r.baseline;
      const baseCells = withBase ? (b ? ` ${b.medianMs.toFixed(0)} ms (${b.cpuMedianMs.toFixed(0)} ms) | ${(r.medianMs / b.medianMs).toFixed(2)} (${((r.cpuMedianMs ?? NaN) / b.cpuMedianMs).toFixed(2)}) |` : ' — | — |') : '';
      const ms = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(0)} ms`);
      lines.push(`| ${r.objectives} | ${r.params} | ${r.trials} | ${r.history} | ${ms(r.medianMs)} | ${ms(r.meanMs)} | ${ms(r.cpuMedianMs)} | ${ms(r.firstMs)} | ${ms(r.worstMs)} | ${r.peakRssMb?.toFixed(0) ?? '—'} MB |${baseCells}`);
    }
    const find = (m: number, n: number, worst = false, noisy = false, inRun = false) =>
      data.latency.find((r) => r.objectives === m && r.trials === n && (r.history === 'all mutually non-dominated') === worst && !!r.noise === noisy && !!r.inRun === inRun);
    const t100 = find(2, 100);
    const n100 = find(2, 100, false, true);
    const r100 = find(2, 100, false, false, true);
    const rn100 = find(2, 100, false, true, true);
    const t500 = find(2, 500);
    const m4 = find(4, 100);
    const w4 = find(4, 100, true);
    lines.push('');
    // the median and the mean of the cycle (its fresh fit included) must both be within the limit
    const verdict = (r: LatencyRow, limit: number) =>
      `${Math.max(r.medianMs, r.meanMs ?? 0) <= limit ? 'met' : (r.cpuMedianMs ?? Infinity) <= limit ? 'met in CPU time, NOT met in wall-clock time on this loaded machine' : 'NOT met'} (median ${r.medianMs.toFixed(0)} ms wall${r.meanMs === undefined ? '' : `, mean ${r.meanMs.toFixed(0)} ms`}, ${r.cpuMedianMs?.toFixed(0) ?? '—'} ms CPU)`;
    if (t100) lines.push(`- ≤ 100 ms at 100 trials (2 objectives): ${verdict(t100, 100)}.`);
    if (r100) lines.push(`- ≤ 100 ms at 100 trials (2 objectives), inside GP-EHVI's own run: ${verdict(r100, 100)}.`);
    if (n100) lines.push(`- ≤ 100 ms at 100 trials (2 objectives) observed with ${Math.round(n100.noise! * 100)}% noise: ${verdict(n100, 100)}.`);
    if (rn100) lines.push(`- ≤ 100 ms at 100 trials (2 objectives) observed with ${Math.round(rn100.noise! * 100)}% noise, inside GP-EHVI's own run: ${verdict(rn100, 100)}.`);
    if (t500) lines.push(`- ≤ 1 s at 500 trials (2 objectives): ${verdict(t500, 1000)}.`);
    if (m4) lines.push(`- ≤ 1 s at 100 trials with 4 objectives and 12 parameters: ${verdict(m4, 1000)}.`);
    if (w4) lines.push(`- worst case (100 mutually non-dominated, 4 objectives) ≤ 2 s and ≤ 300 MB: ${w4.worstMs <= 2000 && (w4.peakRssMb ?? Infinity) <= 300 ? 'met' : 'NOT met'} (worst ${w4.worstMs.toFixed(0)} ms, peak ${w4.peakRssMb?.toFixed(0)} MB).`);
  }
  lines.push('', "Comparison with Optuna's own NSGA-II and MO-TPE at equal evaluations: not measured here (Optuna cannot be installed on this machine: no PyPI).", '');
  writeFileSync(join(out, 'tuner.md'), lines.join('\n'));
  writeFileSync(join(out, 'tuner.json'), JSON.stringify(data, null, 2));
  process.stdout.write(lines.join('\n'));
}

function fmt(x: number): string {
  return x === 0 ? '0' : Math.abs(x) >= 0.01 ? x.toFixed(3) : x.toExponential(2);
}
