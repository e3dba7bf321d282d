/**
 * A study run on two hardware classes, in the browser (#16): `ecopt serve` on a study file whose
 * trials came from three hosts of two classes. The explorer warns that energy is compared only
 * within one hardware class and shows the class with the most complete trials; picking the other
 * class redraws its own front; the run view's trials table has a host column. The same study in
 * PostgreSQL opens from "Open another study file" with its URL, password never on the page, and a
 * trial a remote worker adds appears without a reload. Screenshots in
 * test-results/screenshots/classes-*.png.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../../src-main/engine/store/postgres-storage';
import { SqliteStorage } from '../../src-main/engine/store/sqlite-storage';
import { Store } from '../../src-main/engine/store/store';
import { ROOT, startServe } from '../helpers/cli';
import { postgresMissing, usePostgres } from '../helpers/postgres';
import { A, B, addTrial, seedTwoClasses } from '../helpers/two-classes';

const CHROMIUM = process.env.ECOPT_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const shots = join(ROOT, 'test-results', 'screenshots');

let server: ChildProcess;
let browser: Browser;
let page: Page;
let url = '';
let dataDir = '';
const pgServer = usePostgres();

describe.skipIf(!haveChromium)('a study of two hardware classes in the browser', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ecopt-e2e-classes-'));
    const storage = new SqliteStorage(new Store(join(dataDir, 'studies.db')));
    await seedTwoClasses(storage);
    await storage.close();
    ({ server, url } = await startServe({ ECOPT_DATA_DIR: dataDir, ECOPT_RUN_DIR: join(dataDir, 'running') }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('warns, shows one class at a time with its own front, and names each trial’s host', async () => {
    mkdirSync(shots, { recursive: true });
    await page.goto(`${url}#/study/spread/explore`);
    const banner = page.getByTestId('class-banner');
    await banner.getByText(/energy is compared only within one hardware class/).waitFor();
    const picker = page.getByTestId('class-picker');
    expect(await picker.inputValue()).toBe(A);
    // class A: trials 0–2, its most accurate #0; class B's #3 is better, but of another class
    await page.getByTestId('frontier').waitFor();
    await page.screenshot({ path: join(shots, 'classes-explorer-a.png'), fullPage: true });
    await page.getByTestId('budget-text').fill('at least 85% accuracy');
    await page.getByTestId('budget-sentence').getByText(/Model #0: /).waitFor();
    await picker.selectOption(B);
    // an accuracy floor alone picks the most frugal model that reaches it: B's #4 (85%, 0.05 J)
    await page.getByTestId('budget-sentence').getByText(/Model #4: .* It is the most frugal model that meets this limit/).waitFor();
    // the payback compares B's model with a trial of class B (its most accurate, #3), never with one measured on A
    await page.getByTestId('payback-sentence').getByText(/against model #3\b/).waitFor();
    await page.screenshot({ path: join(shots, 'classes-explorer-b.png'), fullPage: true });

    await page.goto('about:blank');
    await page.goto(`${url}#/study/spread/run`);
    const table = page.getByTestId('trial-table');
    await table.getByRole('columnheader', { name: 'Host' }).waitFor();
    expect(await table.locator('tbody tr').nth(3).locator('td').nth(2).textContent()).toBe('m2');
    await page.getByTestId('class-banner').waitFor();
    await page.screenshot({ path: join(shots, 'classes-run.png'), fullPage: true });
  }, 60_000);

  it.skipIf(postgresMissing)('opens the study from a postgresql:// URL, read-only, password hidden, and shows a remote worker’s new trial live', async () => {
    const u = new URL(await pgServer.server().createDatabase());
    u.password = 's3cret-pw';
    const storage = await PostgresStorage.open(u.toString());
    try {
      const studyId = await seedTwoClasses(storage);
      await page.goto('about:blank');
      await page.goto(`${url}#/`);
      await page.getByTestId('open-path').fill(u.toString());
      await page.getByTestId('open-file').click();
      await page.getByTestId('open-status').getByText(/This tab now shows postgresql:\/\/postgres:\*\*\*@localhost\//).waitFor();
      expect(await page.getByTestId('open-path').inputValue()).toBe('');
      await page.getByTestId('open-spread').click();
      await page.getByTestId('remote-note').getByText(/read-only, refreshed every 2 s/).waitFor();
      await page.getByTestId('class-picker').selectOption(B);
      await page.getByTestId('budget-text').fill('at least 98% accuracy');
      await page.getByTestId('budget-sentence').getByText(/No model meets this limit/).waitFor();
      // a worker elsewhere finishes a better trial: the explorer's next poll shows it
      await addTrial(storage, studyId, 'm4', B, 0.99, 0.01);
      await page.getByTestId('budget-sentence').getByText(/Model #5: /).waitFor({ timeout: 15_000 });
      // its model is on the worker: no button to take it, and the words say where it is and how to take it (walk 54: the button was simply missing)
      expect(await page.getByTestId('take-model').count()).toBe(0);
      await page.getByTestId('take-remote').getByText(/kept by the worker that trained it/).waitFor();
      await page.getByTestId('budget-show').click();
      expect(await page.getByTestId('detail-remote-model').textContent()).toMatch(/Its model is kept by the worker that trained it \(on m4\): to take it, run ecopt export spread --storage <the URL> --trial 5 on that machine\./);
      expect(await page.content()).not.toContain('s3cret-pw');
      await page.screenshot({ path: join(shots, 'classes-postgres.png'), fullPage: true });
    } finally {
      await storage.close();
    }
  }, 60_000);
});
