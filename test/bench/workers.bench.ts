/**
 * npm run bench:workers — does a study go faster with more workers, and does proposing with
 * trials still running cost the tuner anything?
 *   1. Wall time of one study of 2-second command trials (a command that sleeps, so that a 2-core
 *      box can run four at once) with 1, 2 and 4 `ecopt worker` processes on one SQLite file:
 *      each process's whole life (start-up included), and the study's own span (first trial's
 *      start to last trial's end, from the stored timestamps). BENCH_TRIALS (default 40, the hypervolume part's budget: long enough that the study, not each worker's start-up, is what is timed).
 *   2. Hypervolume after 40 trials on ZDT1 (tuner-harness problems) with 4 workers proposing
 *      while others' trials run (simulated trial times: each trial takes 0.5–1.5 time units,
 *      every worker asking the study's own sampler with the running trials in its history, as
 *      `ecopt worker` does) against sequential proposals,
 *      the default sampler, BENCH_SEEDS seeds (default 5).
 * Writes docs/bench/workers.{md,json}.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSampler } from '../../src-main/engine/samplers/index';
import type { FinishedTrial } from '../../src-main/engine/samplers/types';
import { Store } from '../../src-main/engine/store/store';
import { hypervolume } from '../../src-main/shared/pareto';
import { hashInts, makeRng } from '../../src-main/shared/rng';
import { ZDT1 } from './problems';
import { problemInput, problemObjectives, problemSpace, runSampler } from './tuner-harness';

const root = new URL('../..', import.meta.url).pathname;
const trials = Number(process.env.BENCH_TRIALS ?? 40);
const seeds = Number(process.env.BENCH_SEEDS ?? 5);
const SAMPLER = 'auto';

// ---- 1. wall time with 1, 2, 4 workers ---------------------------------------------------------

function studyFile(dir: string, name: string): string {
  const file = join(dir, `${name}.json`);
  const spec = {
    name,
    model: 'command',
    // a 2-second trial that only waits: the machine's cores are not what is measured here
    command: { argv: ['/bin/sh', '-c', 'sleep 2; echo "{\\"accuracy\\": $ECOPT_PARAM_X}"'] },
    space: { x: { type: 'float', low: 0, high: 1 } },
    objectives: [{ metric: 'accuracy' }, { metric: 'train_energy_j' }],
    sampler: 'random',
    trials,
    trial: { timeoutS: 60 },
    meters: { idleBaselineS: 0 },
  };
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

function worker(spec: string, db: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/ecopt.js'), 'worker', spec, '--storage', db, '--quiet'], {
      cwd: root,
      env: { ...process.env, ECOPT_HOSTNAME: host },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(code) : reject(new Error(`ecopt worker exited ${code}: ${err}`))));
  });
}

/**
 * The CLI's bundle of its sources is built by the first command after a change (bin/bundle.cjs):
 * built before each timing, as by the first command after an install, so that no timed worker
 * pays for it (a source edited while the benchmark runs would otherwise be rebuilt by every worker).
 */
function buildCli(): void {
  const r = spawnSync(process.execPath, [join(root, 'bin/ecopt.js'), '--version'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ecopt --version failed: ${r.stderr}`);
}

async function timeWorkers(n: number): Promise<{ workers: number; wallS: number; spanS: number; trials: number }> {
  buildCli();
  const dir = mkdtempSync(join(tmpdir(), 'ecopt-bench-workers-'));
  const db = join(dir, 'study.db');
  const spec = studyFile(dir, `w${n}`);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => worker(spec, db, `bench-${i}`)));
  const wallS = (performance.now() - t0) / 1000;
  const store = new Store(db, { readonly: true });
  const done = store.getTrials(store.requireStudy(`w${n}`).id);
  store.close();
  const spanS = (Math.max(...done.map((t) => Date.parse(t.finishedAt!))) - Math.min(...done.map((t) => Date.parse(t.startedAt!)))) / 1000;
  return { workers: n, wallS, spanS, trials: done.length };
}

// ---- 2. hypervolume with 4 outstanding, simulated trial times -----------------------------------

/** 40 trials by `workers` simulated workers, each asking when its last trial ends. */
function simulate(seed: number, evaluations: number, workers: number): number {
  const space = problemSpace(ZDT1);
  const objectives = problemObjectives(ZDT1, ZDT1.ref);
  // one sampler with the study's seed, as every `ecopt worker` uses (a proposal made while another
  // landed is refused and asked again: here asks never overlap)
  const sampler = createSampler(SAMPLER, { space, objectives, seed });
  const durations = makeRng(hashInts(seed, 0xd0));
  const history: FinishedTrial[] = [];
  const points: number[][] = [];
  const running: { trial: FinishedTrial; y: number[]; endsAt: number; worker: number }[] = [];
  let clock = 0;
  let asked = 0;
  const free = Array.from({ length: workers }, (_, w) => w);
  while (points.length < evaluations) {
    while (free.length && asked < evaluations) {
      const w = free.shift()!;
      const params = sampler.ask(history, asked);
      const trial: FinishedTrial = { number: asked, index: asked, state: 'running', params, cube: space.encode(params), values: null };
      history.push(trial);
      running.push({ trial, y: ZDT1.f(problemInput(space, params)), endsAt: clock + 0.5 + durations.next(), worker: w });
      asked++;
    }
    running.sort((a, b) => a.endsAt - b.endsAt);
    const next = running.shift()!;
    clock = next.endsAt;
    next.trial.state = 'complete';
    next.trial.values = next.y;
    points.push(next.y);
    free.push(next.worker);
  }
  return hypervolume(points, ZDT1.ref);
}

const load0 = loadavg();
const timings = [];
for (const n of [1, 2, 4]) {
  const r = await timeWorkers(n);
  console.log(`${n} worker(s): ${r.wallS.toFixed(1)} s wall, study span ${r.spanS.toFixed(1)} s, ${r.trials} trials`);
  timings.push(r);
}
const load1 = loadavg();
const sequential: number[] = [];
const parallel: number[] = [];
for (let s = 0; s < seeds; s++) {
  sequential.push(runSampler(SAMPLER, ZDT1, 1000 + s, 40, {}, true, 1).hv.at(-1)!);
  parallel.push(simulate(1000 + s, 40, 4));
  console.log(`seed ${s}: HV sequential ${sequential.at(-1)!.toFixed(4)}, 4 workers ${parallel.at(-1)!.toFixed(4)}`);
}
const load2 = loadavg();
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const one = timings[0]!;
const four = timings.find((t) => t.workers === 4)!;
const hvRatio = mean(parallel) / mean(sequential);
const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join('/');
const lines = [
  '# bench:workers',
  '',
  `Run ${new Date().toISOString()} on ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical cores), Node ${process.versions.node}; load average (1/5/15 min) before ${fmtLoad(load0)}, after the wall-time runs ${fmtLoad(load1)}, at the end ${fmtLoad(load2)}.`,
  '',
  `## Wall time: ${trials} command trials of 2 s (\`sleep 2\`), \`ecopt worker\` processes on one SQLite file`,
  '',
  '"wall" is every worker process from start to exit (start-up, meter detection and the last worker noticing the budget is met included; the CLI\'s bundle of its sources built beforehand, as by the first command after an install); "span" is the study itself, first trial started to last trial finished.',
  '',
  '| workers | wall (s) | wall ratio to 1 worker | span (s) | span ratio to 1 worker | trials |',
  '|---|---|---|---|---|---|',
  ...timings.map((t) => `| ${t.workers} | ${t.wallS.toFixed(1)} | ${(t.wallS / one.wallS).toFixed(2)} | ${t.spanS.toFixed(1)} | ${(t.spanS / one.spanS).toFixed(2)} | ${t.trials} |`),
  '',
  `Target (issue 16): wall time with 4 workers ≤ 0.3× one worker's — ${four.wallS / one.wallS <= 0.3 ? 'met' : 'NOT met'} on wall time (${(four.wallS / one.wallS).toFixed(2)}), ${four.spanS / one.spanS <= 0.3 ? 'met' : 'NOT met'} on the study's span (${(four.spanS / one.spanS).toFixed(2)}). With ${trials} trials the ideal is 0.25 plus each worker's start-up, paid once per process whatever the budget.`,
  '',
  `## Hypervolume at 40 trials on ZDT1, sampler \`${SAMPLER}\`, ${seeds} seeds`,
  '',
  `Reference point ${JSON.stringify(ZDT1.ref)} (BoTorch's), so most of the box is covered by any decent front: the regret (${ZDT1.maxHv.toFixed(4)} − HV, the part of the best front still missing) shows the difference the ratio hides.`,
  '',
  '| proposals | HV mean ± sd | regret mean ± sd |',
  '|---|---|---|',
  `| sequential (each trial asked after the previous one finished) | ${mean(sequential).toFixed(4)} ± ${sd(sequential).toFixed(4)} | ${mean(sequential.map((h) => ZDT1.maxHv - h)).toFixed(4)} ± ${sd(sequential).toFixed(4)} |`,
  `| 4 workers, 4 outstanding (simulated trial times 0.5–1.5 units; each asks the study's sampler with the running trials in its history) | ${mean(parallel).toFixed(4)} ± ${sd(parallel).toFixed(4)} | ${mean(parallel.map((h) => ZDT1.maxHv - h)).toFixed(4)} ± ${sd(parallel).toFixed(4)} |`,
  '',
  `HV ratio ${hvRatio.toFixed(4)}; target: within 5% of sequential — ${hvRatio >= 0.95 ? 'met' : 'NOT met'}. Regret ratio ${(mean(parallel.map((h) => ZDT1.maxHv - h)) / mean(sequential.map((h) => ZDT1.maxHv - h))).toFixed(2)}.`,
  '',
];
mkdirSync(join(root, 'docs/bench'), { recursive: true });
writeFileSync(join(root, 'docs/bench/workers.md'), lines.join('\n'));
writeFileSync(join(root, 'docs/bench/workers.json'), `${JSON.stringify({ trials, seeds, sampler: SAMPLER, timings, sequential, parallel, load0, load1, load2 }, null, 2)}\n`);
console.log(lines.join('\n'));
