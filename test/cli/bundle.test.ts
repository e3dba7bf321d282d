/**
 * The CLI run from a bundle of its sources (bin/bundle.cjs) instead of through tsx's loader on
 * every start: the bundle must behave as the sources do, files found beside a source file
 * (resources/, the trainer, the meter thread's program) included.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src-main/engine/store/store';
import { collect, ROOT, runCli } from '../helpers/cli';
import { writeSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';
import { napSpec } from '../helpers/workers';

const { cliBundle } = createRequire(import.meta.url)('../../bin/bundle.cjs') as { cliBundle: (root: string, cacheDir?: string) => Promise<string> };

// under node_modules, as the real one is: the bundle's packages resolve from there
const cacheDir = join(ROOT, 'node_modules', '.cache', `ecopt-test-${process.pid}`);
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('the CLI bundle', () => {
  it('is built once, holds the meter thread beside the CLI, and runs a study as the sources do', async () => {
    const main = await cliBundle(ROOT, cacheDir);
    expect(main).toMatch(/ecopt-test-\d+\/cli-[0-9a-f]{16}\/main\.cjs$/);
    expect(existsSync(join(dirname(main), 'meter-thread-worker.cjs'))).toBe(true);
    // every source file keeps its own import.meta.url: nothing is resolved from the bundle's folder
    expect(readFileSync(main, 'utf8')).not.toMatch(/import\.meta/);
    // unchanged sources: the same build, not a second one
    expect(await cliBundle(ROOT, cacheDir)).toBe(main);

    // the bundle itself (no tsx anywhere) runs a worker: meters in their thread, a command trial
    const dir = tmpDir();
    const db = join(dir, 'b.db');
    const spec = writeSpec(dir, napSpec('bundled', 2, 200));
    const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(main)}).main(process.argv.slice(1)).then((c) => (process.exitCode = c))`, 'worker', spec, '--storage', db], {
      cwd: ROOT,
      env: { ...process.env, npm_command: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = await collect(child);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2\/2 trials done/);
    const store = new Store(db, { readonly: true });
    const trials = store.getPlacedTrials(store.requireStudy('bundled').id);
    const windows = store.getWindows({ trialId: trials[0]!.id });
    store.close();
    expect(trials.map((t) => t.state)).toEqual(['complete', 'complete']);
    expect(windows.length).toBeGreaterThan(0);
  });

  it('falls back to the sources through tsx when asked to', async () => {
    const r = await runCli(['--version'], { ECOPT_CLI_FROM_SOURCE: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});
