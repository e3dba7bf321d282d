/**
 * The whole journey in a real browser (Debian's Chromium through playwright-core) against a real
 * `ecopt serve` on a fresh data folder: walk the wizard to a small real study, watch it finish,
 * pick a model by an energy budget, and check the figures shown equal the database's.
 * Screenshots of each screen go to test-results/screenshots/.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMetric } from '../../src-main/shared/format';
import { BIN, ROOT } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

const CHROMIUM = process.env.ECOPT_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium for the end-to-end tests`);
if (!haveChromium) console.warn(`skipping the browser journey: no Chromium at ${CHROMIUM} (apt-get install chromium, or set ECOPT_CHROMIUM)`);

const shots = join(ROOT, 'test-results', 'screenshots');
let server: ChildProcess;
let url = '';
let browser: Browser;
let page: Page;
let dataDir = '';

async function shot(name: string) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

describe.skipIf(!haveChromium)('the journey in the browser', () => {
  beforeAll(async () => {
    dataDir = tmpDir('ecopt-e2e-');
    server = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: { ...process.env, ECOPT_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`ecopt serve did not start: ${out}`)), 150_000);
      server.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /ECOpt is at (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      server.on('exit', (code) => reject(new Error(`ecopt serve exited (${code}): ${out}`)));
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => console.error('page error:', e.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
  });

  it('walks the wizard to a finished real study, picks a model by budget, and shows the database\'s figures', async () => {
    await page.goto(url);
    await page.getByTestId('no-studies').waitFor();
    await shot('01-studies-empty');

    await page.getByTestId('nav-wizard').click();
    await page.getByTestId('dataset-iris').check();
    await page.getByTestId('dataset-summary').getByText('150 rows').waitFor();
    await shot('02-wizard-dataset');
    await page.getByTestId('next').click();
    await page.getByTestId('preset-quick').check();
    await shot('03-wizard-model');
    await page.getByTestId('next').click();
    await page.getByTestId('trials').fill('4');
    await page.getByTestId('idle').fill('1');
    await page.getByTestId('estimate').waitFor();
    await shot('04-wizard-objectives');
    await page.getByTestId('next').click();
    await page.getByTestId('next').click();
    await page.getByTestId('study-name').fill('e2e-iris');
    await shot('05-wizard-review');
    await page.getByTestId('run').click();

    await page.getByTestId('estimated-banner').waitFor();
    await page.getByTestId('progress-text').getByText(/trial \d+:/).waitFor({ timeout: 60_000 });
    await shot('06-run-live');
    await page.getByTestId('progress-text').getByText('4/4 trials · finished').waitFor({ timeout: 150_000 });
    await page.getByTestId('trial-table').locator('tbody tr').nth(3).waitFor();
    await shot('07-run-finished');

    // the database, read as a separate process would
    const db = new Database(join(dataDir, 'studies.db'), { readonly: true });
    const rows = db
      .prepare(
        `SELECT t.number,
                (SELECT value FROM trial_metrics m WHERE m.trial_id = t.id AND m.name = 'accuracy') AS accuracy,
                (SELECT value FROM trial_metrics m WHERE m.trial_id = t.id AND m.name = 'infer_energy_j_per_sample') AS j
           FROM trials t JOIN studies s ON s.id = t.study_id WHERE s.name = 'e2e-iris' AND t.state = 'complete' ORDER BY t.number`,
      )
      .all() as { number: number; accuracy: number; j: number }[];
    db.close();
    expect(rows).toHaveLength(4);

    // a budget that the least hungry model meets and the hungriest does not
    const byEnergy = [...rows].sort((a, b) => a.j - b.j);
    const limitJ = (byEnergy[1]!.j + byEnergy[2]!.j) / 2;
    const within = rows.filter((r) => r.j <= limitJ);
    const expected = within.reduce((a, b) => (b.accuracy > a.accuracy || (b.accuracy === a.accuracy && b.j < a.j) ? b : a));

    await page.getByTestId('to-explorer').click();
    await page.getByTestId('frontier').locator('.main-svg').first().waitFor();
    // the budget in words, in µJ, echoed back in the unit it was read in
    await page.getByTestId('budget-text').fill(`at most ${(limitJ * 1e6).toFixed(3)} µJ per prediction`);
    expect(await page.getByTestId('budget-reading').textContent()).toMatch(/^read as: energy per prediction ≤ /);
    const sentence = page.getByTestId('budget-sentence');
    await sentence.waitFor();
    expect(await sentence.textContent()).toMatch(new RegExp(`Model #${expected.number} (is the most accurate model|is [\\d.]+ points less accurate)`));
    await shot('08-explorer-budget');
    await page.getByTestId('budget-show').click();
    await page.getByTestId('trial-detail').waitFor();
    expect(await page.getByTestId('detail-accuracy').textContent()).toBe(formatMetric(expected.accuracy, 'fraction'));
    expect(await page.getByTestId('detail-energy').textContent()).toBe(formatMetric(expected.j, 'J'));
    expect(await page.getByTestId('provenance').textContent()).toMatch(/estimated by cpu-tdp-estimate/);
    await shot('09-trial-detail');

    await page.getByTestId('nav-reports').click();
    await page.getByTestId('report-preview').waitFor();
    await shot('10-reports');
    await page.getByTestId('nav-meters').click();
    await page.getByTestId('estimated-banner').waitFor();
    await shot('11-meters');

    // everything survives a restart: the studies list reads the same file
    await page.reload();
    await page.getByTestId('studies-table').getByText('e2e-iris').waitFor();
  }, 300_000);

  it('reads a CSV file of the user\'s in the wizard: summary, target choice, and the study file', async () => {
    await page.goto(url);
    await page.getByTestId('nav-wizard').click();
    await page.getByTestId('csv-path').fill(join(ROOT, 'test/fixtures/csv/people.csv'));
    await page.getByTestId('csv-inspect').click();
    await page.getByTestId('dataset-summary').getByText(/120 rows · 5 features · classes: short \(\d+\), tall \(\d+\)/).waitFor();
    await page.getByTestId('csv-target').selectOption('height');
    await page.getByTestId('dataset-summary').getByText(/regression \(a number to predict\)/).waitFor();
    await shot('12-wizard-csv');
    for (let i = 0; i < 4; i++) await page.getByTestId('next').click();
    const file = await page.getByTestId('step-review').locator('pre').textContent();
    expect(file).toContain('"csv":');
    expect(file).toContain('"target": "height"');
    expect(file).toContain('"metric": "rmse"');
  }, 60_000);
});
