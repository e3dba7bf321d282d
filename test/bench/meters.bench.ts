/**
 * npm run bench:meters — the meters' own cost: CPU time spent polling at 10 Hz for 60 s, as a
 * share of one core, against a baseline (the same timer doing nothing) run in the same process;
 * and the wrap-safe polling interval for a few counter ranges. Writes docs/bench/meters.{md,json}.
 * BENCH_SECONDS shortens the run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wrapSafeIntervalMs } from '../../src-main/engine/meters/counter';
import { CpuTdpEstimateMeter } from '../../src-main/engine/meters/estimate';
import { MeterSet } from '../../src-main/engine/meters/meter-set';
import { detectNvml } from '../../src-main/engine/meters/nvml';
import { detectRapl } from '../../src-main/engine/meters/rapl';
import type { Meter } from '../../src-main/engine/meters/types';

const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const root = new URL('../..', import.meta.url).pathname;
const scratch = join(root, 'node_modules', '.cache', 'ecopt-bench-meters');
mkdirSync(scratch, { recursive: true });

function raplFixture(): Meter {
  const dir = join(scratch, 'powercap');
  for (const [zone, name] of [['intel-rapl:0', 'package-0'], ['intel-rapl:0:1', 'dram'], ['intel-rapl:1', 'package-1'], ['intel-rapl:1:1', 'dram']]) {
    mkdirSync(join(dir, zone!), { recursive: true });
    writeFileSync(join(dir, zone!, 'name'), `${name}\n`);
    writeFileSync(join(dir, zone!, 'max_energy_range_uj'), '262143328850\n');
    writeFileSync(join(dir, zone!, 'energy_uj'), '12345678\n');
  }
  const d = detectRapl(dir);
  if (!d.ok) throw new Error(d.info.detail);
  return d.meter;
}

function nvmlStub(): Meter {
  const lib = join(scratch, 'libnvidia-ml-bench.so');
  execFileSync('cc', ['-shared', '-fPIC', '-O1', '-o', lib, join(root, 'test/fixtures/nvml/stub-nvml.c')]);
  process.env.STUB_NVML_GPUS = '2';
  const d = detectNvml({ ECOPT_NVML_LIBRARY: lib });
  if (!d.ok) throw new Error(d.info.detail);
  return d.meter;
}

async function run(label: string, meters: Meter[]): Promise<{ label: string; cpuS: number; wallS: number; polls: number }> {
  const set = new MeterSet(meters, { pollMs: 100 });
  let polls = 0;
  const start = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (meters.length) set.poll();
      polls++;
      if (polls % 10 === 0) set.drainSamples();
      if (performance.now() - t0 >= seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
  });
  const used = process.cpuUsage(start);
  return { label, cpuS: (used.user + used.system) / 1e6, wallS: (performance.now() - t0) / 1000, polls };
}

const rows = [];
// the baseline runs first and last; its mean is subtracted, so warm-up does not count against a meter
const first = await run('baseline: 10 Hz timer, no meter', []);
rows.push(await run('estimate (/proc/stat)', [new CpuTdpEstimateMeter()]));
rows.push(await run('RAPL, 2 sockets × package+dram (fixture sysfs files)', [raplFixture()]));
rows.push(await run('NVML, 2 GPUs (stub library through koffi)', [nvmlStub()]));
rows.push(await run('all of the above together', [new CpuTdpEstimateMeter(), raplFixture(), nvmlStub()]));
const last = await run('baseline again', []);
const base = { label: 'baseline: 10 Hz timer, no meter (mean of first and last run)', cpuS: (first.cpuS + last.cpuS) / 2, wallS: (first.wallS + last.wallS) / 2, polls: first.polls };
rows.unshift(base);
const table = rows.map((r) => {
  const share = r.cpuS / r.wallS;
  const net = (r.cpuS - base.cpuS) / r.wallS;
  return { ...r, shareOfCore: share, netShareOfCore: net, ratioToBaseline: r.cpuS / base.cpuS };
});

const ranges = [
  { what: 'RAPL package, common Intel range (262,143 J)', rangeJ: 262143.32885, powerW: 400 },
  { what: 'RAPL dram, common range (65,713 J)', rangeJ: 65712.999613, powerW: 100 },
  { what: 'RAPL on a small-range part (16,384 J) at 400 W', rangeJ: 16384, powerW: 400 },
  { what: 'a 25 J test range at 400 W (capped at the 10 ms floor if lower)', rangeJ: 25, powerW: 400 },
];

const md = [
  `# bench:meters`,
  '',
  `Polling at 10 Hz for ${seconds} s on ${process.platform}/${process.arch}, Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}.`,
  'CPU time is the whole process (user + system) while only the poll timer runs; "net" subtracts the baseline run (same timer, no meter) from the same process.',
  '',
  '| meters | polls | CPU time (s) | share of one core | net of baseline | × baseline CPU |',
  '|---|---|---|---|---|---|',
  ...table.map(
    (r) => `| ${r.label} | ${r.polls} | ${r.cpuS.toFixed(3)} | ${(r.shareOfCore * 100).toFixed(3)}% | ${(r.netShareOfCore * 100).toFixed(3)}% | ${r.ratioToBaseline.toFixed(2)} |`,
  ),
  '',
  `Baseline runs: first ${((first.cpuS / first.wallS) * 100).toFixed(3)}%, last ${((last.cpuS / last.wallS) * 100).toFixed(3)}% of a core (the spread is the noise floor of this measurement).`,
  `Target: the meters' own CPU time (net of the baseline) ≤ 0.5% of one core. ${table.every((r) => r.netShareOfCore <= 0.005) ? 'Met by every configuration.' : 'NOT met by: ' + table.filter((r) => r.netShareOfCore > 0.005).map((r) => r.label).join('; ') + '.'}`,
  '',
  '## Wrap-safe polling interval',
  '',
  'Half the time a counter takes to cover its range at the highest power expected (the meter set polls at least this often, and never more often than every 10 ms).',
  '',
  '| counter | range (J) | power (W) | longest safe interval |',
  '|---|---|---|---|',
  ...ranges.map((r) => `| ${r.what} | ${r.rangeJ} | ${r.powerW} | ${(wrapSafeIntervalMs(r.rangeJ, r.powerW) / 1000).toFixed(3)} s |`),
  '',
];
const out = join(root, 'docs', 'bench');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'meters.md'), md.join('\n'));
writeFileSync(join(out, 'meters.json'), JSON.stringify({ seconds, date: new Date().toISOString(), rows: table, ranges: ranges.map((r) => ({ ...r, intervalMs: wrapSafeIntervalMs(r.rangeJ, r.powerW) })) }, null, 2));
process.stdout.write(md.join('\n'));
