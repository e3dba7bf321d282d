/**
 * npm run bench:tune-speed — seconds per trial of the default study (`ecopt tune`, idle baseline
 * skipped), this checkout against baseline commits, in the same run, alternating so that the
 * machine's load falls on every version alike. Each baseline is checked out into a temporary git
 * worktree that shares this checkout's node_modules. BENCH_BASELINES: git refs, comma-separated
 * (default fea1990, the last commit with the worker-thread trainer — issue 10's "no slower than
 * by 0.5 s" — and 1fb7ec2, the last before the storage interface and workers — issue 16's "no
 * slower than before"); BENCH_TRIALS (default 4: within the Sobol start-up, so every version
 * trains the same configurations); BENCH_ROUNDS (default 3).
 * Writes docs/bench/tune-speed.{md,json}.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const refs = (process.env.BENCH_BASELINES ?? process.env.BENCH_BASELINE ?? 'fea1990,1fb7ec2').split(',').map((r) => r.trim()).filter(Boolean);
const trials = Number(process.env.BENCH_TRIALS ?? 4);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

/** What each known baseline stands for, and the target this checkout is held to against it. */
const KNOWN: Record<string, { what: string; target: string; met: (head: number, base: number) => boolean }> = {
  fea1990: { what: "trainer in a worker thread, meters on the study's event loop", target: 'no more than +0.5 s per trial (issue 10)', met: (h, b) => h - b <= 0.5 },
  '1fb7ec2': { what: 'before the storage interface and workers: the study loop on the synchronous store', target: 'no slower (issue 16), read as within 5%, the spread between rounds here', met: (h, b) => h <= b * 1.05 },
};

const baselines = refs.map((ref) => {
  const dir = mkdtempSync(join(tmpdir(), 'ecopt-bench-baseline-'));
  execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', dir, ref], { stdio: 'ignore' });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return { ref, dir, times: [] as number[] };
});

function timeTune(dir: string): number {
  const db = join(mkdtempSync(join(tmpdir(), 'ecopt-bench-speed-')), 's.db');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(dir, 'bin/ecopt.js'), 'tune', '--trials', String(trials), '--skip-idle', '--db', db], { cwd: dir, encoding: 'utf8', timeout: 1_800_000 });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`ecopt tune in ${dir} failed (${r.status}): ${r.stderr}`);
  return s / trials;
}

const load0 = loadavg();
const head: number[] = [];
try {
  for (let i = 0; i < rounds; i++) {
    for (const b of baselines) b.times.push(timeTune(b.dir));
    head.push(timeTune(root));
    console.log(`round ${i + 1}: ${baselines.map((b) => `${b.ref} ${b.times.at(-1)!.toFixed(2)}`).join(', ')}, this checkout ${head.at(-1)!.toFixed(2)} s/trial`);
  }
} finally {
  for (const b of baselines) {
    execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', b.dir], { stdio: 'ignore' });
    rmSync(b.dir, { recursive: true, force: true });
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const load1 = loadavg();
const lines = [
  '# bench:tune-speed',
  '',
  `Run ${new Date().toISOString()} on ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical cores), Node ${process.versions.node}; load average before ${load0.map((x) => x.toFixed(2)).join('/')}, after ${load1.map((x) => x.toFixed(2)).join('/')}.`,
  `Default study, \`ecopt tune --trials ${trials} --skip-idle\`, whole process wall time divided by the trials; ${rounds} rounds, every version once per round in turn.`,
  '',
  '| version | s/trial per round | mean s/trial |',
  '|---|---|---|',
  ...baselines.map((b) => `| baseline \`${b.ref}\`${KNOWN[b.ref] ? ` (${KNOWN[b.ref]!.what})` : ''} | ${b.times.map((x) => x.toFixed(2)).join(', ')} | ${mean(b.times).toFixed(2)} |`),
  `| this checkout | ${head.map((x) => x.toFixed(2)).join(', ')} | ${mean(head).toFixed(2)} |`,
  '',
  ...baselines.map((b) => {
    const h = mean(head);
    const m = mean(b.times);
    const k = KNOWN[b.ref];
    return `- Against \`${b.ref}\`: ${h - m >= 0 ? '+' : ''}${(h - m).toFixed(2)} s per trial (ratio ${(h / m).toFixed(3)})${k ? `; target: ${k.target} — ${k.met(h, m) ? 'met' : 'NOT met'}` : ''}.`;
  }),
  '',
];
mkdirSync(join(root, 'docs/bench'), { recursive: true });
writeFileSync(join(root, 'docs/bench/tune-speed.md'), lines.join('\n'));
writeFileSync(join(root, 'docs/bench/tune-speed.json'), `${JSON.stringify({ trials, rounds, baselines: baselines.map(({ ref, times }) => ({ ref, times })), head, load0, load1 }, null, 2)}\n`);
console.log(lines.join('\n'));
