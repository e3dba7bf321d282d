/**
 * npm run bench:tune-speed — seconds per trial of the default study (`ecopt tune`, idle baseline
 * skipped), this checkout against a baseline commit, in the same run, alternating so that the
 * machine's load falls on both alike. The baseline is checked out into a temporary git worktree
 * that shares this checkout's node_modules. BENCH_BASELINE: a git ref (default fea1990, the last
 * commit with the worker-thread trainer); BENCH_TRIALS (default 8: within the Sobol start-up, so
 * both versions train the same configurations); BENCH_ROUNDS (default 2).
 * Writes docs/bench/tune-speed.{md,json}.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const ref = process.env.BENCH_BASELINE ?? 'fea1990';
const trials = Number(process.env.BENCH_TRIALS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);

const baseDir = mkdtempSync(join(tmpdir(), 'ecopt-bench-baseline-'));
execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', baseDir, ref], { stdio: 'ignore' });
symlinkSync(join(root, 'node_modules'), join(baseDir, 'node_modules'));

function timeTune(dir: string): number {
  const db = join(mkdtempSync(join(tmpdir(), 'ecopt-bench-speed-')), 's.db');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(dir, 'bin/ecopt.js'), 'tune', '--trials', String(trials), '--skip-idle', '--db', db], { cwd: dir, encoding: 'utf8', timeout: 1_800_000 });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`ecopt tune in ${dir} failed (${r.status}): ${r.stderr}`);
  return s / trials;
}

const load0 = loadavg();
const base: number[] = [];
const head: number[] = [];
try {
  for (let i = 0; i < rounds; i++) {
    base.push(timeTune(baseDir));
    head.push(timeTune(root));
    console.log(`round ${i + 1}: baseline ${base.at(-1)!.toFixed(2)} s/trial, this checkout ${head.at(-1)!.toFixed(2)} s/trial`);
  }
} finally {
  execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', baseDir], { stdio: 'ignore' });
  rmSync(baseDir, { recursive: true, force: true });
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const load1 = loadavg();
const lines = [
  '# bench:tune-speed',
  '',
  `Run ${new Date().toISOString()} on ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical cores), Node ${process.versions.node}; load average before ${load0.map((x) => x.toFixed(2)).join('/')}, after ${load1.map((x) => x.toFixed(2)).join('/')}.`,
  `Default study, \`ecopt tune --trials ${trials} --skip-idle\`, whole process wall time divided by the trials; ${rounds} alternating rounds.`,
  '',
  '| version | s/trial per round | mean s/trial |',
  '|---|---|---|',
  `| baseline \`${ref}\` (trainer in a worker thread, meters on the study's event loop) | ${base.map((x) => x.toFixed(2)).join(', ')} | ${mean(base).toFixed(2)} |`,
  `| this checkout (trainer as a child process, meter thread, attribution) | ${head.map((x) => x.toFixed(2)).join(', ')} | ${mean(head).toFixed(2)} |`,
  '',
  `Difference: ${(mean(head) - mean(base)).toFixed(2)} s per trial (ratio ${(mean(head) / mean(base)).toFixed(3)}); target: no more than +0.5 s — ${mean(head) - mean(base) <= 0.5 ? 'met' : 'NOT met'}.`,
  '',
];
mkdirSync(join(root, 'docs/bench'), { recursive: true });
writeFileSync(join(root, 'docs/bench/tune-speed.md'), lines.join('\n'));
writeFileSync(join(root, 'docs/bench/tune-speed.json'), `${JSON.stringify({ ref, trials, rounds, base, head, load0, load1 }, null, 2)}\n`);
console.log(lines.join('\n'));
