/**
 * npm run bench:tuner — hypervolume regret (max HV − HV reached) after 25, 50, 100 and 200
 * evaluations, mean ± sd over 10 seeds, for every sampler on ZDT1-3, DTLZ2 and BraninCurrin
 * (BoTorch's definitions and reference points, given to every sampler as objective limits);
 * and GP-EHVI's time per suggestion at 50, 200 and 500 finished trials.
 * Writes docs/bench/tuner.{md,json}. BENCH_SEEDS, BENCH_EVALS, BENCH_SAMPLERS, BENCH_PROBLEMS
 * (comma lists) and BENCH_PART (merge partial runs: see the README) shorten or split it.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSampler } from '../../src-main/engine/samplers/index';
import type { FinishedTrial } from '../../src-main/engine/samplers/types';
import { makeRng } from '../../src-main/shared/rng';
import { PROBLEMS, ZDT1 } from './problems';
import { problemObjectives, problemSpace, runSampler } from './tuner-harness';

const seeds = Number(process.env.BENCH_SEEDS ?? 10);
const evals = Number(process.env.BENCH_EVALS ?? 200);
const checkpoints = [25, 50, 100, 200].filter((c) => c <= evals);
const samplers = (process.env.BENCH_SAMPLERS ?? 'random,sobol,nsga2,motpe,gp-ehvi,auto').split(',');
const problems = PROBLEMS.filter((p) => !process.env.BENCH_PROBLEMS || process.env.BENCH_PROBLEMS.split(',').includes(p.name));
const root = new URL('../..', import.meta.url).pathname;
const out = join(root, 'docs', 'bench');
mkdirSync(out, { recursive: true });
const partFile = process.env.BENCH_PART ? join(out, `tuner.part-${process.env.BENCH_PART}.json`) : null;

type Cell = { mean: number; sd: number; values: number[] };

// BENCH_MERGE=1: combine the parts written by runs with BENCH_PART=<name> into one report
if (process.env.BENCH_MERGE) {
  const parts = readdirSync(out).filter((f) => /^tuner\.part-.*\.json$/.test(f));
  const merged = parts.map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as Payload);
  const base = merged[0]!;
  for (const m of merged.slice(1)) {
    Object.assign(base.results, m.results);
    Object.assign(base.wall, m.wall);
    Object.assign(base.timing, m.timing);
  }
  writeReport(base);
  for (const f of parts) rmSync(join(out, f));
  process.exit(0);
}
const results: Record<string, Record<string, Record<number, Cell>>> = {};
const wall: Record<string, Record<string, number>> = {};

for (const p of problems) {
  results[p.name] = {};
  wall[p.name] = {};
  for (const s of samplers) {
    const t0 = performance.now();
    const regrets: Record<number, number[]> = Object.fromEntries(checkpoints.map((c) => [c, []]));
    for (let seed = 0; seed < seeds; seed++) {
      const r = runSampler(s, p, seed, evals, {}, true);
      for (const c of checkpoints) regrets[c]!.push(p.maxHv - r.hv[c - 1]!);
    }
    wall[p.name]![s] = (performance.now() - t0) / 1000;
    results[p.name]![s] = Object.fromEntries(
      checkpoints.map((c) => {
        const v = regrets[c]!;
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
        return [c, { mean, sd, values: v }];
      }),
    );
    process.stderr.write(`${p.name} ${s}: ${checkpoints.map((c) => `${c}→${results[p.name]![s]![c]!.mean.toPrecision(3)}`).join(' ')} (${wall[p.name]![s]!.toFixed(0)} s)\n`);
  }
}

// time per suggestion with n finished trials (random history on ZDT1)
const timing: Record<number, { medianMs: number; worstMs: number }> = {};
if (!process.env.BENCH_SKIP_TIMING) {
  for (const n of [50, 100, 200, 500]) {
    const space = problemSpace(ZDT1);
    const rng = makeRng(n);
    const history: FinishedTrial[] = Array.from({ length: n }, (_, i) => {
      const params = space.decode(space.dims.map(() => rng.next()));
      const x = space.dims.map((d) => params[d.name] as number);
      return { number: i, index: i, state: 'complete' as const, params, cube: space.encode(params), values: ZDT1.f(x) };
    });
    const s = createSampler('gp-ehvi', { space, objectives: problemObjectives(ZDT1, ZDT1.ref), seed: 1 }, {});
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      s.ask(history, n + k);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    timing[n] = { medianMs: times[2]!, worstMs: times[4]! };
    process.stderr.write(`gp-ehvi ask with ${n} trials: median ${times[2]!.toFixed(0)} ms, worst ${times[4]!.toFixed(0)} ms\n`);
  }
}

interface Payload {
  date: string;
  seeds: number;
  evals: number;
  checkpoints: number[];
  results: typeof results;
  wall: typeof wall;
  timing: typeof timing;
  node: string;
}
const payload: Payload = { date: new Date().toISOString(), seeds, evals, checkpoints, results, wall, timing, node: process.versions.node };
if (partFile) {
  writeFileSync(partFile, JSON.stringify(payload));
  process.exit(0);
}
writeReport(payload);

function writeReport(data: Payload): void {
  const lines = [
    '# bench:tuner',
    '',
    `Hypervolume regret (maximum hypervolume − hypervolume reached; lower is better), mean ± sd over ${data.seeds} seeds, ${data.date.slice(0, 10)}, Node ${data.node}, 2-core VM.`,
    'Problems and reference points as in BoTorch (`test_functions/multi_objective.py`), minimisation on [0,1]^d; every sampler is given the reference point as objective limits.',
    '',
  ];
  for (const [problem, bySampler] of Object.entries(data.results)) {
    lines.push(`## ${problem}`, '', `| sampler | ${data.checkpoints.map((c) => `${c} evals`).join(' | ')} | wall (all seeds) |`, `|---|${data.checkpoints.map(() => '---').join('|')}|---|`);
    for (const [s, cells] of Object.entries(bySampler)) {
      lines.push(`| ${s} | ${data.checkpoints.map((c) => `${fmt(cells[c]!.mean)} ± ${fmt(cells[c]!.sd)}`).join(' | ')} | ${data.wall[problem]![s]!.toFixed(0)} s |`);
    }
    lines.push('');
  }
  lines.push('## Targets', '');
  for (const [problem, bySampler] of Object.entries(data.results)) {
    const at = (s: string, c: number) => bySampler[s]?.[c]?.mean;
    const bestBaseline = Math.min(at('nsga2', 200) ?? Infinity, at('motpe', 200) ?? Infinity);
    for (const s of ['gp-ehvi', 'auto']) {
      const v = at(s, 50);
      if (v === undefined || !Number.isFinite(bestBaseline)) continue;
      lines.push(`- ${problem}: ${s} at 50 evaluations ${fmt(v)} vs best of NSGA-II/MO-TPE at 200 ${fmt(bestBaseline)} — ${v < bestBaseline ? 'met' : 'NOT met'}`);
    }
  }
  if (Object.keys(data.timing).length) {
    lines.push('', '## GP-EHVI time per suggestion', '', '| finished trials | median | worst (of 5) |', '|---|---|---|');
    for (const [n, t] of Object.entries(data.timing)) lines.push(`| ${n} | ${t.medianMs.toFixed(0)} ms | ${t.worstMs.toFixed(0)} ms |`);
    const t100 = data.timing[100];
    const t500 = data.timing[500];
    if (t100) lines.push('', `Target ≤ 100 ms at 100 trials: ${t100.medianMs <= 100 ? 'met' : 'NOT met'} (median ${t100.medianMs.toFixed(0)} ms).`);
    if (t500) lines.push(`Target ≤ 1 s at 500 trials: ${t500.medianMs <= 1000 ? 'met' : 'NOT met'} (median ${t500.medianMs.toFixed(0)} ms).`);
  }
  lines.push('', 'Comparison with Optuna\'s own NSGA-II and MO-TPE at equal evaluations: not measured here (Optuna cannot be installed on this machine: no PyPI).', '');
  writeFileSync(join(out, 'tuner.md'), lines.join('\n'));
  writeFileSync(join(out, 'tuner.json'), JSON.stringify(data, null, 2));
  process.stdout.write(lines.join('\n'));
}

function fmt(x: number): string {
  return x === 0 ? '0' : Math.abs(x) >= 0.01 ? x.toFixed(3) : x.toExponential(2);
}

