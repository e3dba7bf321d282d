/**
 * npm run bench:frontier — time to first paint of the frontier explorer in headless Chromium for
 * a study of 10,000 trials, against the same page with 100 trials (the baseline, same process,
 * same browser). The trials are synthetic rows (a rendering benchmark: no training involved),
 * inserted through the store. Writes docs/bench/frontier.{md,json}. Needs Debian's chromium.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../../src-main/api/http-server';
import { ensureRendererBuilt } from '../../src-main/api/renderer-build';
import { Store } from '../../src-main/engine/store/store';
import { makeRng } from '../../src-main/shared/rng';
import { parseStudySpec } from '../../src-main/shared/spec';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';

const root = new URL('../..', import.meta.url).pathname;
const loadStart = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'ecopt-bench-frontier-'));
const dbPath = join(dir, 'studies.db');
const sizes = [100, 10_000];
const repeats = Number(process.env.BENCH_REPEATS ?? 3);

const store = new Store(dbPath);
for (const n of sizes) {
  const r = parseStudySpec({
    name: `synthetic-${n}`,
    dataset: { builtin: 'digits' },
    space: { units: { type: 'int', low: 8, high: 512, log: true }, learning_rate: { type: 'float', low: 1e-4, high: 0.1, log: true } },
    objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
    trials: n,
  });
  if (!r.ok) throw new Error('bad spec');
  const study = store.createStudy(r.spec);
  const rng = makeRng(n);
  store.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const units = Math.round(8 * 64 ** rng.next());
      const t = store.createTrial(study.id, { units, learning_rate: 1e-4 * 1000 ** rng.next() });
      store.startTrial(t.id);
      const j = 1e-5 * units * (0.8 + 0.4 * rng.next());
      store.completeTrial(t.id, {
        metrics: { accuracy: Math.min(0.99, 0.6 + 0.06 * Math.log(units) + 0.05 * rng.normal()), infer_energy_j_per_sample: j, train_energy_j: 100 * j * 1e4 },
        attrs: {},
        windows: [],
        backend: 'synthetic',
        powerSamples: [],
      });
    }
  })();
}
store.close();

const rendererDir = await ensureRendererBuilt();
const served = await serve({ rendererDir, dbPath });
const browser = await chromium.launch({
  executablePath: process.env.ECOPT_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const results: Record<number, number[]> = {};
for (let rep = 0; rep < repeats; rep++) {
  for (const n of sizes) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
    await page.getByTestId(`open-synthetic-${n}`).waitFor();
    const t0 = await page.evaluate(() => performance.now());
    await page.getByTestId(`open-synthetic-${n}`).click();
    await page.locator('[data-testid=frontier] .legendtext').first().waitFor({ timeout: 120_000 });
    const t1 = await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())))));
    (results[n] ??= []).push(t1 - t0);
    await page.close();
  }
}
await browser.close();
await served.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(results[100]!);
const md = [
  '# bench:frontier',
  '',
  `Time from clicking a study to the frontier plot painted (two animation frames after its legend appears), headless Chromium with software rendering, median of ${repeats}; ${new Date().toISOString().slice(0, 10)}, 2-core VM. Includes fetching the study over HTTP (front and hypervolume history computed by the server) and the page's own work (parameter importance, plot). Load average at the start: ${loadStart.map((x) => x.toFixed(2)).join(', ')} (other work on the machine slows both rows alike).`,
  '',
  '| trials | median | runs | × the 100-trial baseline |',
  '|---|---|---|---|',
  ...sizes.map((n) => `| ${n.toLocaleString('en')} | ${median(results[n]!).toFixed(0)} ms | ${results[n]!.map((x) => x.toFixed(0)).join(', ')} ms | ${(median(results[n]!) / base).toFixed(1)} |`),
  '',
  'Above 1,000 trials the scatter uses WebGL traces (scattergl).',
  '',
];
mkdirSync(join(root, 'docs', 'bench'), { recursive: true });
writeFileSync(join(root, 'docs', 'bench', 'frontier.md'), md.join('\n'));
writeFileSync(join(root, 'docs', 'bench', 'frontier.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
process.stdout.write(md.join('\n'));
