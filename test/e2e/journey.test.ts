/**
 * The whole journey in a real browser (Debian's Chromium through playwright-core) against a real
 * `ecopt serve` on a fresh data folder: walk the wizard to a small real study, watch it finish,
 * pick a model by an energy budget, and check the figures shown equal the database's.
 * Screenshots of each screen go to test-results/screenshots/.
 */
import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { unzipSync } from 'fflate';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatMetric, formatSi } from '../../src-main/shared/format';
import { Store } from '../../src-main/engine/store/store';
import { parseStudySpec } from '../../src-main/shared/spec';
import { ROOT, startServe } from '../helpers/cli';

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
let runDir = '';
/** Every screen's accessibility scan: impact of each rule broken, by screen, for the report at the end. */
const scans: { screen: string; violations: { id: string; impact: string; nodes: number; help: string; targets: string[] }[] }[] = [];

/** axe-core over the page as it is: no serious or critical violation is allowed on any screen. */
async function scan(screen: string, p: Page = page) {
  const r = await new AxeBuilder({ page: p }).analyze();
  const bad = r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact!, nodes: v.nodes.length, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  scans.push({ screen, violations: bad });
  if (bad.length) console.warn(`axe-core, ${screen}: ${JSON.stringify(bad, null, 1)}`);
}

/** The app afresh at a screen's address (a page load, not a move inside the page). */
async function open(hash: string) {
  await page.goto('about:blank');
  await page.goto(`${url}${hash}`);
}

/** Picks a file or folder with the app's own chooser (the browser's "Browse…"), by typing its folder. */
async function choose(testId: string, folder: string, entry: string | null) {
  await page.getByTestId(`${testId}-browse`).click();
  const dialog = page.getByTestId('chooser');
  await dialog.waitFor();
  await dialog.getByTestId('chooser-folder').fill(folder);
  await dialog.getByRole('button', { name: 'Go' }).click();
  if (entry) await dialog.getByTestId(`chooser-entry-${entry}`).click();
  else await dialog.getByTestId('chooser-choose-folder').click();
  await dialog.waitFor({ state: 'detached' });
}

/** A study of another ECOpt process running on this machine, as `ecopt tune` records it; returns its removal. */
function otherRun(study: string): () => void {
  mkdirSync(runDir, { recursive: true });
  const lock = join(runDir, `${study}.json`);
  writeFileSync(lock, JSON.stringify({ study, dbPath: join(dataDir, 'cli.db'), pid: process.pid, startedAt: new Date().toISOString(), host: hostname() }));
  return () => rmSync(lock, { force: true });
}

async function shot(name: string) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

describe.skipIf(!haveChromium)('the journey in the browser', () => {
  beforeAll(async () => {
    // kept for the whole file (tmpDir's folders go after each test): the server's data and the user's files
    dataDir = mkdtempSync(join(tmpdir(), 'ecopt-e2e-'));
    // the machine's running studies, kept apart from any other test's
    runDir = join(dataDir, 'running');
    ({ server, url } = await startServe({ ECOPT_DATA_DIR: dataDir, ECOPT_RUN_DIR: runDir }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    // axe-core needs pages of a context of their own
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
  }, 180_000);

  // what each open page showed when a walk failed, beside the screenshots
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const pages = page.context().pages();
    for (const [i, p] of pages.entries()) await p.screenshot({ path: join(shots, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}-${i}.png`), fullPage: true }).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('walks the wizard on a CSV chosen with the picker to a finished real study, picks a model by budget, and shows the database\'s figures', async () => {
    // the user's own file, in a folder of theirs with a space in its name
    const myData = join(dataDir, 'my data');
    mkdirSync(myData, { recursive: true });
    copyFileSync(join(ROOT, 'resources/datasets/iris/iris.csv'), join(myData, 'flowers.csv'));

    await page.goto(url);
    await page.getByTestId('no-studies').waitFor();
    await shot('01-studies-empty');
    await scan('studies (empty)');

    await page.getByTestId('nav-wizard').click();
    expect(page.url()).toMatch(/#\/new$/);
    expect(await page.getByTestId('nav-wizard').getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('step-0').getAttribute('aria-current')).toBe('step');
    await page.getByTestId('dataset-csv').check();
    await choose('csv-path', myData, 'flowers.csv');
    await page.getByTestId('dataset-summary').getByText(/150 rows · 4 features · classes: setosa \(50\)/).waitFor();
    expect(await page.getByTestId('csv-path').inputValue()).toBe(join(myData, 'flowers.csv'));
    await shot('02-wizard-dataset');
    await scan('wizard: data');
    await page.getByTestId('next').click();
    expect(await page.getByTestId('step-1').getAttribute('aria-current')).toBe('step');
    await page.getByTestId('preset-quick').check();
    await page.getByText('Advanced: the search ranges').click();
    // a cleared range box is an error in the box's own words, never a silent 0
    await page.getByTestId('low-units').fill('');
    await page.getByTestId('spec-issues').getByText('units, From').waitFor();
    expect(await page.getByTestId('spec-issues').textContent()).toContain('enter a whole number');
    await page.getByTestId('low-units').fill('8');
    await page.getByTestId('spec-issues').waitFor({ state: 'detached' });
    await shot('03-wizard-model');
    await scan('wizard: model and search');
    const quickText = (await page.getByTestId('preset-text-quick').textContent())!;
    await page.getByTestId('next').click();
    // the preset's text and the estimate are one estimate
    // (a fresh machine has no measured trials to forecast from: both are the rule of thumb, said to be one)
    const estimated = (await page.getByTestId('estimate').textContent())!;
    expect(estimated).toMatch(/^Estimated duration: .*, by a rule of thumb/);
    expect(quickText).toContain(estimated.replace(/^Estimated duration: (.*?), by a rule of thumb.*$/, '$1'));
    // limits and counts checked as typed, in the labels and units on the screen
    const issues = page.getByTestId('spec-issues');
    await page.getByTestId('trials').fill('');
    await issues.getByText('Number of models to try').waitFor();
    await page.getByTestId('trials').fill('0');
    await issues.getByText('must be 1 or more, got 0').waitFor();
    await page.getByTestId('limit-energy').fill('-5');
    await issues.getByText('must be above 0 mJ, got -5 mJ').waitFor();
    await page.getByTestId('limit-accuracy').fill('150');
    await issues.getByText('must be from 0 to 100%, got 150%').waitFor();
    expect(await issues.getAttribute('role')).toBe('alert');
    expect(await issues.textContent()).not.toMatch(/trials:|threshold|timeBudgetS|idleBaselineS/);
    await shot('04a-wizard-objectives-errors');
    await scan('wizard: what matters (errors)');
    await page.getByTestId('limit-energy').fill('');
    await page.getByTestId('limit-accuracy').fill('');
    await page.getByTestId('trials').fill('4');
    await page.getByTestId('idle').fill('1');
    await issues.waitFor({ state: 'detached' });
    await page.getByTestId('estimate').waitFor();
    const duration = (await page.getByTestId('estimate').textContent())!;
    await shot('04-wizard-objectives');
    await scan('wizard: what matters');
    await page.getByTestId('next').click();
    await page.getByTestId('study-name').fill('e2e-iris');
    // the review repeats the duration step 3 gave (walk 49: it dropped it)
    expect(duration.length).toBeGreaterThan(10);
    expect(await page.getByTestId('review-summary').textContent()).toContain(duration);
    await shot('05-wizard-review');
    await scan('wizard: review');
    await page.getByTestId('run').click();

    await page.getByTestId('estimated-banner').waitFor();
    await page.getByTestId('progress-text').getByText(/trial \d+:/).waitFor({ timeout: 60_000 });
    expect(page.url()).toMatch(/#\/study\/e2e-iris\/run$/);
    // a reload lands on the running study, and every screen links back to it
    await page.reload();
    await page.getByTestId('progress-text').getByText(/trial \d+:|idle|starting/).waitFor({ timeout: 60_000 });
    await page.getByTestId('header-running').getByText('e2e-iris').waitFor();
    await shot('06-run-live');
    await scan('run (live)');

    // a second study while another runs: the app warns that the energy would be shared. The
    // quick study may finish first on a fast machine, so another process's run is there for sure
    const stopOther = otherRun('cli-study');
    const second = await page.context().newPage();
    await second.goto(url.replace(/#.*$/, '') + '#/new');
    await second.getByTestId('dataset-iris').check();
    await second.getByTestId('step-3').click();
    await second.getByTestId('study-name').fill('e2e-second');
    await second.getByTestId('run').click();
    await second.getByTestId('concurrent-warning').getByText(/(Another study is|\d other studies are) running on this machine now: .*“cli-study” \(pid \d+, .*cli\.db\).*energy figures would include part of\s+the other/).waitFor();
    expect(await second.getByTestId('concurrent-warning').getAttribute('role')).toBe('alert');
    await second.screenshot({ path: join(shots, '06b-wizard-concurrent-warning.png'), fullPage: true });
    await scan('wizard: another study running', second);
    await second.getByTestId('concurrent-cancel').click();
    await second.close();
    stopOther();

    await page.getByTestId('progress-text').getByText('4/4 trials · finished').waitFor({ timeout: 150_000 });
    await page.getByTestId('trial-table').locator('tbody tr').nth(3).waitFor();
    // reopened later, a finished study shows the power it stored, not "waiting"
    await page.reload();
    await page.getByTestId('power-chart').locator('.main-svg').first().waitFor();
    await page.getByRole('heading', { name: /Power of the last trial \(#\d+, stored\)/ }).waitFor();
    await page.getByTestId('frontier').locator('.main-svg').first().waitFor();
    await shot('07-run-finished');
    await scan('run (finished)');

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
    expect(page.url()).toMatch(/#\/study\/e2e-iris\/explore$/);
    await scan('explorer');
    // the plot's energy axis is in the unit the figures are written in, not in joules with zeros:
    // each tick carries its prefixed unit ("200 µJ")
    expect(await page.getByTestId('frontier').locator('.xtitle').textContent()).toMatch(/^Inference energy per prediction/);
    const ticks = await page.getByTestId('frontier').locator('.xtick text').allTextContents();
    expect(ticks.length).toBeGreaterThan(0);
    for (const t of ticks) expect(t).toMatch(/^[\d.]+ (nJ|µJ|mJ|J)$/);
    // the issue's own words, "at most 2 mJ per prediction": read back, and the model it picks is
    // the database's most accurate one within 2 mJ (or none, on a machine where all cost more)
    await page.getByTestId('budget-text').fill('at most 2 mJ per prediction');
    expect(await page.getByTestId('budget-reading').textContent()).toBe('read as: energy per prediction ≤ 2 mJ');
    const within2 = rows.filter((r) => r.j <= 0.002);
    const best2 = within2.length ? within2.reduce((a, b) => (b.accuracy > a.accuracy || (b.accuracy === a.accuracy && b.j < a.j) ? b : a)) : null;
    // polled: the sentence re-renders as the box changes
    await expect.poll(() => page.getByTestId('budget-sentence').textContent(), { timeout: 10_000 }).toMatch(
      best2 ? new RegExp(`Model #${best2.number}: .* It (is the most accurate model|is [\\d.]+ points less accurate)`) : /No model meets (this limit|these limits)/,
    );
    // then a budget between two models' figures, so the rest of the walk has a model to take
    // ("at most 2.48 mJ per prediction"), echoed back
    const [amount, unit] = limitJ >= 1e-3 ? [limitJ * 1e3, 'mJ'] : [limitJ * 1e6, 'µJ'];
    await page.getByTestId('budget-text').fill(`at most ${Number(amount.toPrecision(4))} ${unit} per prediction`);
    expect(await page.getByTestId('budget-reading').textContent()).toMatch(/^read as: energy per prediction ≤ /);
    const sentence = page.getByTestId('budget-sentence');
    await expect
      .poll(() => sentence.textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`Model #${expected.number}: .* It (is the most accurate model|is [\\d.]+ points less accurate)`));
    // beside it: did the search pay for itself, for the model the budget picked
    const payback = page.getByTestId('payback-sentence');
    await expect
      .poll(() => payback.textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`^Model #${expected.number} \\(chosen\\) (against model #\\d+ .*(pays back after|never pays back)|is the study's first trial, .* never pays back)`));
    // the untuned first trial, most accurate too, is its own reference: nothing saved, no chart to draw (walk 54)
    if (/is the study's first trial/.test((await payback.textContent()) ?? '')) expect(await page.getByTestId('payback-chart').count()).toBe(0);
    else await page.getByTestId('payback-chart').locator('.main-svg').first().waitFor();
    // on this machine every joule is an estimate: the pick under an energy cap says what that means for its margin
    await expect
      .poll(() => page.getByTestId('budget-estimated').textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`^These energy figures are estimates \\(model #${expected.number}'s: ±\\d+%\\), not measurements`));
    // and what the pick scores on rows the search never saw (walk 42: 84.4% picked, 74.4% on new data)
    expect(await page.getByTestId('budget-test').textContent()).toMatch(new RegExp(`^On held-out test data \\(examples used neither in training nor in choosing\\), model #${expected.number} scores [\\d.]+% \\(always answering the most frequent class would score [\\d.]+%\\): what to expect on new data`));
    // the batching the per-prediction figures are for (walk 47: one row per call cost 47× more)
    expect(await page.getByTestId('budget-batching').textContent()).toMatch(/^Energy per prediction is measured in batches of up to \d+ inputs \(trial\.inferBatchSize; the whole test set in one batch where it is smaller\): a service that predicts one input per call spends more on each/);
    await shot('08-explorer-budget');
    // what predicts energy: the same correlations as `ecopt show`, with a warning at 4 trials
    await page.getByTestId('predictors').scrollIntoViewIfNeeded();
    expect(await page.getByTestId('predictors').textContent()).toMatch(/only 4 complete trials[\s\S]*Trainable parameters.*r = /);
    await shot('08b-explorer-predictors');
    // the chosen model itself goes home as a .zip: weights, preprocessing, model card
    const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('take-model').click()]);
    expect(zip.suggestedFilename()).toBe(`e2e-iris-trial-${expected.number}.zip`);
    const zipped = unzipSync(new Uint8Array(readFileSync((await zip.path())!)));
    expect(Object.keys(zipped).sort()).toEqual(
      ['model-card.md', 'model.json', 'preprocessing.json', 'study.json', 'test-rows.csv', 'weights.bin'].map((f) => `e2e-iris-trial-${expected.number}/${f}`),
    );
    expect(new TextDecoder().decode(zipped[`e2e-iris-trial-${expected.number}/model-card.md`])).toMatch(new RegExp(`trial ${expected.number}`));
    // and the page says what came down and how to use it
    expect(await page.getByTestId('taken-note').textContent()).toMatch(new RegExp(`Downloaded e2e-iris-trial-${expected.number}\\.zip: model #${expected.number} .*ecopt predict`));
    await page.getByTestId('budget-show').click();
    await page.getByTestId('trial-detail').waitFor();
    expect(await page.getByTestId('detail-accuracy').textContent()).toBe(formatMetric(expected.accuracy, 'fraction'));
    // how many samples each part holds, and what one validation sample is worth in points (walk 48: 25 images, said nowhere)
    expect(await page.getByTestId('detail-split').textContent()).toMatch(/^\d+ rows to train, (\d+) to choose among trials \(validation\), \d+ held out \(test\): on \1 validation rows, one is [\d.]+ points of accuracy, so close figures may not differ\.$/);
    expect(await page.getByTestId('detail-energy').textContent()).toBe(formatMetric(expected.j, 'J'));
    expect(await page.getByTestId('provenance').textContent()).toMatch(/estimated by cpu-tdp-estimate/);
    // whose CPU time the own share is taken from, during the phases themselves (walk 39)
    expect(await page.getByTestId('cpu-share').textContent()).toMatch(/train: the machine's CPUs were \d+% busy \([\d.]+ of [\d.]+ CPU-seconds: \d+ cores × [\d.]+ s\); the trial's processes used [\d.]+ CPU-seconds, \d+% of the busy time/);
    await shot('09-trial-detail');
    await scan('explorer: trial detail');

    await page.getByTestId('budget-report').click();
    await page.getByTestId('report-preview').waitFor();
    // the report is for the model the budget picked, says why (the budget, read as the picker read it), and its PDF downloads in the browser
    await expect
      .poll(() => page.getByTestId('report-selection').textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`^Chosen by the budget “at most [\\d.]+ [µm]J per prediction” \\(read as: energy per prediction ≤ [\\d.]+ [µm]J\\)\\. Model #${expected.number}: `));
    // the budget is in the address with the model it picked: a reload keeps "why this model" (walk 50: it lost it)
    expect(page.url()).toMatch(new RegExp(`#/study/e2e-iris/reports\\?trial=${expected.number}&budget=at\\+most\\+`));
    await page.reload();
    await expect
      .poll(() => page.getByTestId('report-selection').textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`^Chosen by the budget “at most [\\d.]+ [µm]J per prediction” .* Model #${expected.number}: `));
    expect(await page.getByTestId('report-trial').inputValue()).toBe(String(expected.number));
    // the held-out test accuracy beside the validation one, as the trial's detail shows them
    await expect.poll(() => page.getByTestId('report-accuracy').textContent(), { timeout: 10_000 }).toMatch(/^validation [\d.]+% · on held-out test data [\d.]+% \(never seen/);
    // what the user types is kept while they look elsewhere, and shown in the preview ("UK" is the United Kingdom)
    await page.getByTestId('report-country').fill('UK');
    await page.getByTestId('report-owner').fill('A. Officer');
    await page.getByTestId('nav-explorer').click();
    await page.getByTestId('budget-picker').waitFor();
    // the explorer's budget came back with it, from the address
    expect(await page.getByTestId('budget-text').inputValue()).toMatch(/^at most [\d.]+ [µm]J per prediction$/);
    // a look at the studies list leaves the study open: Reports is still a click away
    await page.getByTestId('nav-studies').click();
    expect(page.url()).toMatch(/#\/$/);
    expect(await page.getByTestId('nav-reports').getAttribute('aria-disabled')).toBeNull();
    await page.getByTestId('nav-reports').click();
    expect(await page.getByTestId('report-country').inputValue()).toBe('UK');
    await expect.poll(() => page.getByTestId('report-document').textContent(), { timeout: 10_000 }).toBe('owner A. Officer');
    await expect.poll(() => page.getByTestId('report-preview').textContent(), { timeout: 10_000 }).toContain('United Kingdom');
    // and through a reload: kept in this browser (walk 55: a reload lost the country, PUE and owner)
    await page.reload();
    await page.getByTestId('report-preview').waitFor();
    expect(await page.getByTestId('report-country').inputValue()).toBe('UK');
    await expect.poll(() => page.getByTestId('report-document').textContent(), { timeout: 10_000 }).toBe('owner A. Officer');
    // which model: its parameters and the fingerprint of its weights, as the PDF states them
    expect(await page.getByTestId('report-model').textContent()).toMatch(/^activation=\w+, .* · weights SHA-256 [0-9a-f]{64}$/);
    await shot('10-reports');
    await scan('reports');
    // the PDF alone, one download ("Download all files" gives every format)
    const pdf = page.waitForEvent('download', { predicate: (d) => d.suggestedFilename().endsWith('.pdf'), timeout: 90_000 });
    await page.getByTestId('download-pdf').click();
    const pdfFile = await pdf;
    expect(pdfFile.suggestedFilename()).toBe(`e2e-iris-trial-${expected.number}-energy-report.pdf`);
    expect(readFileSync((await pdfFile.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    // every format in one .zip, not seven downloads the browser asks about one by one
    const all = page.waitForEvent('download', { timeout: 90_000 });
    await page.getByTestId('download').click();
    const allFile = await all;
    expect(allFile.suggestedFilename()).toBe(`e2e-iris-trial-${expected.number}-energy-report.zip`);
    expect(Object.keys(unzipSync(new Uint8Array(readFileSync((await allFile.path())!)))).sort()).toEqual(
      ['emissions-ecopt.csv', 'emissions.csv', 'energy-report.json', 'energy-report.md', 'energy-report.pdf', 'gpai-energy-rows.md', 'model-card-co2.yaml'],
    );

    // a budget no model meets: the sentence names the closest, which is one click away and can be
    // taken from its detail (the budget's own "Take this model" is for a model that meets it)
    const cheapest = byEnergy[0]!;
    await open('#/study/e2e-iris/explore');
    await page.getByTestId('budget-text').fill(`at most ${Number((cheapest.j * 0.5e6).toPrecision(3))} µJ per prediction`);
    await expect.poll(() => page.getByTestId('budget-sentence').textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^No model meets this limit\\. Closest: #${cheapest.number} `));
    expect(await page.getByTestId('take-model').count()).toBe(0);
    await page.getByTestId(`budget-closest-${cheapest.number}`).click();
    await page.getByTestId('trial-detail').getByRole('heading', { name: `Model #${cheapest.number}` }).waitFor();
    await shot('09b-budget-closest');
    await scan('explorer: nothing meets the budget');
    const [closeZip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('detail-take-model').click()]);
    expect(closeZip.suggestedFilename()).toBe(`e2e-iris-trial-${cheapest.number}.zip`);
    expect(await page.getByTestId('detail-taken-note').textContent()).toMatch(new RegExp(`Downloaded e2e-iris-trial-${cheapest.number}\\.zip: model #${cheapest.number} `));
    await page.getByTestId('nav-meters').click();
    await page.getByTestId('estimated-banner').waitFor();
    // in words a non-programmer can read, the identifier beside them
    expect(await page.getByTestId('meter-cpu-tdp-estimate').textContent()).toMatch(/^An estimate of the CPU's energy from its rated power \(TDP\) and its measured utilisation\s*cpu-tdp-estimatein useCPU package/);
    expect(await page.getByTestId('meter-rapl').textContent()).toMatch(/not on this machine/);
    await shot('11-meters');
    await scan('meters');

    // everything survives a restart: the studies list reads the same file
    await page.goto(url);
    await page.getByTestId('studies-table').getByText('e2e-iris').waitFor();
    await scan('studies');

    // the same name again: a clear choice, never a silent resume of the old study
    await page.getByTestId('nav-wizard').click();
    await page.getByTestId('step-3').click();
    await page.getByTestId('study-name').fill('e2e-iris');
    await page.getByTestId('name-clash').getByText(/A study named e2e-iris already exists in this study file \(4 of 4 models done\)/).waitFor();
    expect(await page.getByTestId('run').isDisabled()).toBe(true);
    expect(await page.getByTestId('clash-resume').textContent()).toBe('Open “e2e-iris” (finished)');
    await shot('05b-wizard-name-clash');
    await scan('wizard: name clash');
    await page.getByTestId('clash-rename').click();
    expect(await page.getByTestId('study-name').inputValue()).toBe('e2e-iris-2');
    await page.getByTestId('name-clash').waitFor({ state: 'detached' });
    expect(await page.getByTestId('run').isDisabled()).toBe(false);
  }, 400_000);

  it('re-measures the chosen model from the explorer, refusing while a study runs on this machine', async () => {
    const db = new Database(join(dataDir, 'studies.db'), { readonly: true });
    const first = db.prepare("SELECT t.number FROM trials t JOIN studies s ON s.id = t.study_id WHERE s.name = 'e2e-iris' AND t.state = 'complete' ORDER BY t.number LIMIT 1").get() as { number: number };
    db.close();
    const n = first.number;
    const stopOther = otherRun('cli-study');
    await open(`#/study/e2e-iris/explore?trial=${n}`);
    await page.getByTestId('trial-detail').waitFor();
    const panel = page.getByTestId('remeasure');
    await panel.getByTestId('remeasure-none').waitFor();
    expect(await panel.getByTestId('remeasure-front').textContent()).toMatch(/^Re-measure the front \(\d+ models?\)$/);
    await panel.getByTestId('remeasure-repeats').fill('1');
    await panel.getByTestId('remeasure-trial').click();
    const problem = panel.getByTestId('remeasure-problem');
    await problem.getByText(/cannot re-measure while (a study is|studies are) running on this machine \(.*"cli-study"/).waitFor();
    expect(await problem.getAttribute('role')).toBe('alert');
    await scan('explorer: re-measure refused');
    stopOther();

    await panel.getByTestId('remeasure-trial').click();
    await panel.getByTestId('remeasure-progress').getByText(/Measuring model #\d+|Done: 1 of 1/).waitFor();
    await panel.getByTestId('remeasure-progress').getByText('Done: 1 of 1 measurements stored.').waitFor({ timeout: 120_000 });
    expect(await problem.count()).toBe(0);
    // the new figure beside the first, as stored
    const after = new Database(join(dataDir, 'studies.db'), { readonly: true });
    const row = after
      .prepare(
        `SELECT (SELECT value FROM trial_metrics m WHERE m.trial_id = t.id AND m.name = 'infer_energy_j_per_sample') AS j,
                (SELECT value_json FROM trial_attrs a WHERE a.trial_id = t.id AND a.key = 'remeasured') AS again
           FROM trials t JOIN studies s ON s.id = t.study_id WHERE s.name = 'e2e-iris' AND t.number = ?`,
      )
      .get(n) as { j: number; again: string };
    after.close();
    const again = JSON.parse(row.again) as { jPerSample: number }[];
    expect(again).toHaveLength(1);
    await panel.getByTestId(`remeasure-row-${n}`).waitFor();
    expect(await panel.getByTestId(`remeasure-first-${n}`).textContent()).toBe(formatSi(row.j, 'J'));
    expect(await panel.getByTestId(`remeasure-again-${n}`).textContent()).toBe(formatSi(again[0]!.jPerSample, 'J'));
    // the trial's own figure is unchanged; the new window is listed beside the first
    expect(await page.getByTestId('detail-energy').textContent()).toBe(formatMetric(row.j, 'J'));
    await page.getByTestId('provenance').getByText('infer (re-measured, 1)').first().waitFor();
    await panel.scrollIntoViewIfNeeded();
    await shot('17-explorer-remeasure');
    await scan('explorer: re-measured');
  }, 180_000);

  it('opens another study file in one tab only: the other tab keeps its file, and a reload keeps the choice', async () => {
    const other = join(dataDir, 'my data', 'other studies.db');
    const parsed = parseStudySpec({ name: 'tab-b-study', model: 'command', command: { argv: ['true'] }, space: { x: { type: 'float', low: 0, high: 1 } }, objectives: [{ metric: 'accuracy' }], trials: 1 });
    if (!parsed.ok) throw new Error('bad spec');
    const s = new Store(other);
    s.createStudy(parsed.spec);
    s.close();

    await page.goto(url);
    await page.getByTestId('studies-table').getByText('e2e-iris').waitFor();
    const tabB = await page.context().newPage();
    await tabB.goto(url);
    await tabB.getByTestId('studies-table').getByText('e2e-iris').waitFor();
    await tabB.getByTestId('open-path').fill(other);
    await tabB.getByTestId('open-file').click();
    await tabB.getByTestId('open-status').getByText(`This tab now shows ${other}.`).waitFor();
    await tabB.getByTestId('studies-table').getByText('tab-b-study').waitFor();
    expect(await tabB.getByTestId('studies-table').getByText('e2e-iris').count()).toBe(0);
    await tabB.getByTestId('study-file').getByText(/opened in this tab only/).waitFor();
    expect(await tabB.locator('footer').textContent()).toContain(other);
    await tabB.screenshot({ path: join(shots, '18-studies-other-file.png'), fullPage: true });
    await scan('studies: another file in this tab', tabB);
    // a study's name is a link to its explorer, in this tab's file
    await tabB.getByTestId('study-link-tab-b-study').click();
    await tabB.waitForURL(/#\/study\/tab-b-study\/explore$/);
    await tabB.getByRole('heading', { name: /tab-b-study/ }).first().waitFor();
    await tabB.goBack();
    await tabB.getByTestId('studies-table').getByText('tab-b-study').waitFor();

    // the first tab still reads the server's own file, even after a reload
    await page.reload();
    await page.getByTestId('studies-table').getByText('e2e-iris').waitFor();
    expect(await page.getByTestId('studies-table').getByText('tab-b-study').count()).toBe(0);
    await expect.poll(() => page.locator('footer').textContent()).toContain(join(dataDir, 'studies.db'));
    expect(await page.getByTestId('open-default').count()).toBe(0);
    // and the second keeps its choice across a reload, a mistyped path changes nothing, and it can go back
    await tabB.reload();
    await tabB.getByTestId('studies-table').getByText('tab-b-study').waitFor();
    const typo = join(dataDir, 'my data', 'other studeis.db');
    await tabB.getByTestId('open-path').fill(typo);
    await tabB.getByTestId('open-file').click();
    await tabB.getByTestId('open-problem').getByText(`there is no study file at ${typo}`).waitFor();
    expect(existsSync(typo)).toBe(false);
    await tabB.getByTestId('studies-table').getByText('tab-b-study').waitFor();
    await tabB.getByTestId('open-default').click();
    await tabB.getByTestId('studies-table').getByText('e2e-iris').waitFor();
    // the footer asks the server which file it reads: it may follow the table by a moment
    await expect.poll(() => tabB.locator('footer').textContent()).toContain(join(dataDir, 'studies.db'));
    await tabB.close();
  }, 90_000);

  it("takes a command trial's model away: what its command handed back, or says why there is none", async () => {
    // a study of the user's own script, in its own file: trial 0 handed back out/model.pt, trial 1 nothing
    const folder = join(dataDir, 'my script');
    const file = join(folder, 'command studies.db');
    mkdirSync(join(folder, 'models', 'e2e-command', 'trial-0'), { recursive: true });
    writeFileSync(join(folder, 'models', 'e2e-command', 'trial-0', 'model.pt'), 'TORCH-BYTES');
    const parsed = parseStudySpec({
      name: 'e2e-command',
      model: 'command',
      command: { argv: ['python3', 'train.py', '--lr', '{lr}'], cwd: folder },
      space: { lr: { type: 'float', low: 0.001, high: 0.1, log: true } },
      objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
      trials: 2,
    });
    if (!parsed.ok) throw new Error('bad spec');
    const s = new Store(file);
    const study = s.createStudy(parsed.spec);
    for (const [i, attrs] of [{ model_dir: 'models/e2e-command/trial-0', reported_artifact: 'out/model.pt' }, {}].entries()) {
      const t = s.createTrial(study.id, { lr: 0.01 * (i + 1) });
      s.startTrial(t.id);
      s.completeTrial(t.id, { metrics: { accuracy: 0.9 - i / 10, infer_energy_j_per_sample: 0.001 }, attrs, windows: [], backend: 'command', powerSamples: [] });
    }
    s.close();

    const tab = await page.context().newPage();
    await tab.goto(url);
    await tab.getByTestId('open-path').fill(file);
    await tab.getByTestId('open-file').click();
    await tab.getByTestId('studies-table').getByText('e2e-command').waitFor();
    await tab.getByTestId('study-link-e2e-command').click();
    await tab.waitForURL(/#\/study\/e2e-command\/explore$/);
    // the re-measure panel says truly why it cannot re-measure a command's model
    expect(await tab.getByTestId('remeasure').textContent()).toMatch(/a command's model \(what it hands back as its artifact, kept and taken away as it is\) is in its own format, which only your script runs/);
    await tab.getByTestId('budget-text').fill('at least 85% accuracy');
    await expect.poll(() => tab.getByTestId('budget-sentence').textContent(), { timeout: 10_000 }).toMatch(/^Model #0: /);
    const [zip] = await Promise.all([tab.waitForEvent('download'), tab.getByTestId('take-model').click()]);
    expect(zip.suggestedFilename()).toBe('e2e-command-trial-0.zip');
    const zipped = unzipSync(new Uint8Array(readFileSync((await zip.path())!)));
    expect(Object.keys(zipped).sort()).toEqual(['model-card.md', 'model.pt', 'params.json', 'study.json'].map((f) => `e2e-command-trial-0/${f}`));
    expect(new TextDecoder().decode(zipped['e2e-command-trial-0/model.pt'])).toBe('TORCH-BYTES');
    expect(new TextDecoder().decode(zipped['e2e-command-trial-0/model-card.md'])).toContain('python3 train.py --lr 0.01');
    expect(await tab.getByTestId('taken-note').textContent()).toMatch(/Downloaded e2e-command-trial-0\.zip: what your command handed back for model #0, in its own format/);
    await tab.screenshot({ path: join(shots, '19-command-take-model.png'), fullPage: true });
    await scan('explorer: a command study', tab);
    // trial 1 handed nothing back: its detail says so, with no button to press
    await tab.goto(`${url}#/study/e2e-command/explore?trial=1`);
    await tab.getByTestId('trial-detail').getByRole('heading', { name: 'Model #1' }).waitFor();
    // a command's accuracy is as it reported it, on a split ECOpt does not know
    expect(await tab.getByTestId('trial-detail').textContent()).toContain('Accuracy (as reported)');
    // the trial the address names is ringed on the front, as a clicked one is
    await tab.getByTestId('frontier').getByText('chosen #1').waitFor();
    expect(await tab.getByTestId('detail-take-model').count()).toBe(0);
    expect(await tab.getByTestId('detail-no-model').textContent()).toMatch(/its command handed none back \(name a file or folder as "artifact" in its metrics line to keep one\)/);
    await tab.getByTestId('trial-detail').scrollIntoViewIfNeeded();
    await tab.screenshot({ path: join(shots, '19b-command-no-model.png'), fullPage: true });
    await tab.close();
  }, 90_000);

  it('picks a regression model by its budget: the lowest RMSE under the cap, and its detail in RMSE (walk 39)', async () => {
    const folder = join(dataDir, 'houses');
    const file = join(folder, 'houses.db');
    mkdirSync(folder, { recursive: true });
    const parsed = parseStudySpec({
      name: 'e2e-houses',
      dataset: { csv: join(folder, 'houses.csv'), target: 'price_keur' },
      model: 'mlp',
      space: { units: { type: 'int', low: 4, high: 64 } },
      objectives: [{ metric: 'rmse' }, { metric: 'infer_energy_j_per_sample' }],
      trials: 4,
    });
    if (!parsed.ok) throw new Error('bad spec');
    const s = new Store(file);
    const study = s.createStudy(parsed.spec);
    // walk 39's front: #1 the lowest RMSE, #2 the best under 25 µJ, #3 the most frugal
    for (const [rmse, j] of [[16.43, 245e-6], [16.21, 28.3e-6], [17.95, 20.3e-6], [35.25, 17.6e-6]] as const) {
      const t = s.createTrial(study.id, { units: 8 });
      s.startTrial(t.id);
      s.completeTrial(t.id, { metrics: { rmse, loss: (rmse / 120) ** 2, infer_energy_j_per_sample: j }, attrs: { test_rmse: rmse * 1.05 }, windows: [], backend: 'wasm', powerSamples: [] });
    }
    s.close();
    const tab = await page.context().newPage();
    await tab.goto(url);
    await tab.getByTestId('open-path').fill(file);
    await tab.getByTestId('open-file').click();
    await tab.getByTestId('study-link-e2e-houses').click();
    await tab.waitForURL(/#\/study\/e2e-houses\/explore$/);
    expect(await tab.getByTestId('budget-picker').textContent()).toContain('RMSE at most 20');
    await tab.getByTestId('budget-text').fill('at most 25 µJ per prediction');
    await tab.getByTestId('budget-sentence').getByText(/Model #2: .* It has an RMSE 1\.74 higher and uses 28% less energy per prediction than the most accurate model \(#1\)/).waitFor();
    await tab.getByTestId('budget-test').getByText(/^On held-out test data .*, model #2's RMSE is [\d.]+ \(in the units of "price_keur"\): what to expect on new data/).waitFor();
    await tab.getByTestId('budget-show').click();
    const detail = tab.getByTestId('trial-detail');
    await detail.getByRole('heading', { name: 'Model #2' }).waitFor();
    expect(await detail.textContent()).toContain('RMSE (validation)');
    expect(await tab.getByTestId('detail-accuracy').first().textContent()).toBe('17.95');
    expect(await detail.textContent()).toContain('RMSE on held-out test data');
    // in the units of the column it predicts (walk 45), in the detail, the budget hint and the plot's axis
    expect(await detail.textContent()).toContain('in the units of "price_keur"; never seen in training');
    await tab.getByTestId('budget-text').fill('');
    expect(await tab.getByTestId('budget-reading').textContent()).toContain('RMSE in the units of "price_keur"');
    expect(await tab.getByTestId('frontier').textContent()).toContain('RMSE (price_keur)');
    await tab.getByTestId('budget-text').fill('at most 25 µJ per prediction');
    await tab.getByTestId('budget-sentence').waitFor();
    await detail.scrollIntoViewIfNeeded();
    await tab.screenshot({ path: join(shots, '20-regression-budget.png'), fullPage: true });
    // an accuracy limit on a regression says what the study measures
    await tab.getByTestId('budget-text').fill('at least 90% accuracy');
    await tab.getByTestId('budget-sentence').getByText(/No model of this study measures accuracy: its models are compared by RMSE/).waitFor();
    await tab.goto(`${url}#/study/e2e-houses/reports`);
    await tab.getByTestId('report-trial').locator('option').nth(4).waitFor({ state: 'attached' });
    expect(await tab.getByTestId('report-trial').locator('option').first().textContent()).toBe('the most accurate (lowest RMSE)');
    expect(await tab.getByTestId('report-trial').locator('option').nth(2).textContent()).toMatch(/^#1 · RMSE 16\.21 · 28\.3 µJ per prediction$/);
    await tab.close();
  }, 90_000);

  it('reads a CSV file of the user\'s in the wizard: summary, target choice, and the study file', async () => {
    await page.goto(url);
    await page.getByTestId('nav-wizard').click();
    await page.getByTestId('dataset-csv').check();
    await page.getByTestId('csv-path').fill(join(ROOT, 'test/fixtures/csv/people.csv'));
    await page.getByTestId('csv-inspect').click();
    await page.getByTestId('dataset-summary').getByText(/120 rows · 5 features \(a text column makes one feature per category\) · classes: short \(\d+\), tall \(\d+\)/).waitFor();
    await page.getByTestId('csv-target').selectOption('height');
    await page.getByTestId('dataset-summary').getByText(/regression \(a number to predict\)/).waitFor();
    await shot('12-wizard-csv');
    for (let i = 0; i < 2; i++) await page.getByTestId('next').click();
    // a regression's limit is on its error, in the target's units (walk 41: the wizard offered none)
    expect(await page.getByTestId('limit-accuracy').count()).toBe(0);
    await page.getByTestId('limit-rmse').fill('5');
    await page.getByTestId('next').click();
    const file = await page.getByTestId('step-review').locator('pre').textContent();
    expect(file).toContain('"csv":');
    expect(file).toContain('"target": "height"');
    expect(JSON.parse(file!).objectives[0]).toEqual({ metric: 'rmse', direction: 'minimize', threshold: 5 });
  }, 60_000);

  it('opens a CSV file whose last column cannot be predicted, and lets the user choose the column (walk 42)', async () => {
    const ids = join(dataDir, 'churn-ids.csv');
    const lines = ['churned,tenure_months,monthly_charge,customer_id'];
    for (let r = 0; r < 60; r++) lines.push([r % 3 ? 'no' : 'yes', String(1 + ((r * 7) % 48)), String(20 + ((r * 13) % 70)), `C${String(r + 1).padStart(4, '0')}`].join(','));
    writeFileSync(ids, `${lines.join('\n')}\n`);
    await page.goto(url);
    await page.getByTestId('nav-wizard').click();
    await page.getByTestId('dataset-csv').check();
    await page.getByTestId('csv-path').fill(ids);
    await page.getByTestId('csv-inspect').click();
    // the file opens; the guess (its last column, an id) is refused with the reason, and the menu asks for the column
    await expect
      .poll(() => page.getByTestId('csv-target-problem').textContent(), { timeout: 10_000 })
      .toMatch(/^The last column, "customer_id", cannot be the one to predict: .*has a different value in every row, so it looks like an identifier.*\. Choose the column to predict\.$/);
    expect(await page.getByTestId('csv-target').inputValue()).toBe('');
    expect(await page.getByTestId('spec-issues').textContent()).toContain('Column to predict: choose the column the models should predict');
    await page.getByTestId('csv-target').selectOption('churned');
    await page.getByTestId('dataset-summary').getByText(/60 rows · 2 features · classes: no \(40\), yes \(20\)/).waitFor();
    expect(await page.getByTestId('csv-target-problem').count()).toBe(0);
    // the id is left out of the inputs, and the notes say so (walk 46)
    expect(await page.getByTestId('step-dataset').textContent()).toContain('"customer_id" left out: every row has a different value (an identifier)');
    await shot('12a-wizard-csv-choose-target');
  }, 60_000);

  it('shows a CSV file\'s values exactly as written, inside the window, and expands ~', async () => {
    const wide = join(dataDir, 'wide.csv');
    const cols = Array.from({ length: 24 }, (_, i) => `a_rather_long_column_name_${i + 1}`);
    const lines = [[...cols, 'label'].join(',')];
    for (let r = 0; r < 40; r++) lines.push([...cols.map((_, i) => (r === 0 && i === 0 ? '1001' : String(1000.25 + r + i))), r % 2 ? 'yes' : 'no'].join(','));
    writeFileSync(wide, `${lines.join('\n')}\n`);
    await page.goto(url);
    await page.getByTestId('nav-wizard').click();
    await page.getByTestId('dataset-csv').check();
    // a path relative to the home folder, as typed with ~
    const home = process.env.HOME ?? '';
    await page.getByTestId('csv-path').fill(wide.startsWith(home + '/') ? `~${wide.slice(home.length)}` : wide);
    await page.getByTestId('csv-inspect').click();
    const preview = page.getByTestId('preview-table');
    await preview.waitFor();
    expect(await preview.locator('tbody tr').first().locator('td').first().textContent()).toBe('1001');
    expect(await preview.locator('tbody tr').first().locator('td').nth(1).textContent()).toBe('1001.25');
    const box = (await preview.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await shot('12b-wizard-csv-wide');
    await scan('wizard: wide CSV');
  }, 60_000);

  it('reads a folder of images chosen with the picker, and builds a CNN study', async () => {
    const sharp = (await import('sharp')).default;
    const photos = join(dataDir, 'photos');
    for (const [k, cls] of ['circles', 'squares'].entries()) {
      mkdirSync(join(photos, cls), { recursive: true });
      for (let i = 0; i < 6; i++) {
        const px = Buffer.alloc(16 * 16, k ? 40 : 220);
        for (let j = 0; j < 16; j++) px[j * 16 + ((i + j) % 16)] = k ? 250 : 10;
        await sharp(px, { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(join(photos, cls, `${i}.png`));
      }
    }
    await open('#/new');
    await page.getByTestId('dataset-images').check();
    await choose('images-path', photos, null);
    // decoding images loads sharp in the server the first time: slow on a busy machine
    await page.getByTestId('dataset-summary').getByText(/12 images · \d+ features · classes: circles \(6\), squares \(6\)/).waitFor({ timeout: 90_000 });
    await shot('13-wizard-images');
    await scan('wizard: images');
    await page.getByTestId('next').click();
    await page.getByTestId('family-cnn').waitFor();
    await page.getByTestId('step-3').click();
    const file = (await page.getByTestId('step-review').locator('pre').textContent())!;
    expect(JSON.parse(file)).toMatchObject({ model: 'cnn', dataset: { images: photos, size: 28, channels: 1 } });
  }, 150_000);

  it('builds a study of the user\'s own training script, naming each missing box', async () => {
    await open('#/new');
    await page.getByTestId('dataset-command').check();
    await page.getByTestId('next').click();
    await page.getByTestId('command-line').fill('python3 train.py --lr {lr} --layers {layers} --opt {opt}');
    const issues = page.getByTestId('spec-issues');
    await issues.getByText('Run it in the folder').waitFor();
    await issues.getByText('lr, From').waitFor();
    await page.getByTestId('command-cwd').fill(join(ROOT, 'examples/python'));
    await page.getByTestId('low-lr').fill('0.001');
    await page.getByTestId('high-lr').fill('0.1');
    await page.getByTestId('log-lr').check();
    await page.getByRole('combobox', { name: 'layers: kind' }).selectOption('int');
    await page.getByTestId('low-layers').fill('1');
    await page.getByTestId('high-layers').fill('3');
    // a parameter that is one of a list (walk 50: only numbers could be searched)
    await page.getByRole('combobox', { name: 'opt: kind' }).selectOption('categorical');
    await page.getByTestId('choices-opt').fill('adam');
    await issues.getByText('give at least two choices').waitFor();
    await page.getByTestId('choices-opt').fill('adam, sgd');
    await issues.waitFor({ state: 'detached' });
    await shot('14-wizard-command');
    await scan('wizard: own script');
    // an energy limit in the unit the user thinks in (walk 50: mJ only)
    await page.getByTestId('step-2').click();
    await page.getByTestId('limit-energy-unit').selectOption('µJ');
    await page.getByTestId('limit-energy').fill('200');
    await page.getByTestId('step-3').click();
    const spec = JSON.parse((await page.getByTestId('step-review').locator('pre').textContent())!);
    expect(spec).toMatchObject({
      model: 'command',
      command: { argv: ['python3', 'train.py', '--lr', '{lr}', '--layers', '{layers}', '--opt', '{opt}'], cwd: join(ROOT, 'examples/python') },
      space: { lr: { type: 'float', low: 0.001, high: 0.1, log: true }, layers: { type: 'int', low: 1, high: 3 }, opt: { type: 'categorical', choices: ['adam', 'sgd'] } },
      objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample', threshold: 0.0002 }],
    });
    expect(spec.dataset).toBeUndefined();
    // the built-in trainer's benchmark settings are not a command's (walk 50)
    expect(spec.trial?.inferBatchSize).toBeUndefined();
    expect(spec.trial?.minInferS).toBeUndefined();
  }, 60_000);

  it('has real "not found" pages, and opening a mistyped study file creates nothing', async () => {
    const base = url.replace(/\?.*$/, '');
    const token = new URL(url).searchParams.get('token')!;
    const res = await page.goto(`${base}no/such/place?token=${token}`);
    expect(res!.status()).toBe(404);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.getByRole('link', { name: 'Go to your studies' }).click();
    await page.getByTestId('studies-table').waitFor();

    await open('#/nowhere');
    await page.getByTestId('not-found').getByText('Page not found').waitFor();
    await shot('15-not-found');
    await scan('not found');
    await open('#/study/ghost/run');
    await page.getByTestId('not-found').getByText(/There is no study named ghost/).waitFor();

    await page.goto(url);
    const typo = join(dataDir, 'studeis.db');
    await page.getByTestId('open-path').fill(typo);
    await page.getByTestId('open-file').click();
    await page.getByTestId('open-problem').getByText(`there is no study file at ${typo}`).waitFor();
    expect(existsSync(typo)).toBe(false);
    await page.getByTestId('studies-table').getByText('e2e-iris').waitFor();
    await page.getByTestId('open-path-browse').click();
    await page.getByTestId('chooser').waitFor();
    await shot('16-studies-chooser');
    await scan('studies: file chooser');
    await page.getByTestId('chooser-cancel').click();
  }, 60_000);

  it('passes axe-core on every screen: no serious or critical violation', () => {
    // the walks above scanned each screen as they reached it; a walk that failed early scanned fewer
    expect(scans.map((x) => x.screen)).toEqual(expect.arrayContaining(['studies (empty)', 'wizard: data', 'run (live)', 'run (finished)', 'explorer', 'reports', 'meters', 'not found', 'explorer: re-measured', 'studies: another file in this tab']));
    const failing = scans.filter((x) => x.violations.length);
    expect(failing, JSON.stringify(failing, null, 1)).toEqual([]);
  });
});
