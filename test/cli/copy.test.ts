/**
 * `ecopt copy`: a study on a real PostgreSQL server pulled into a local file, which `ecopt show`
 * then prints exactly as it prints the shared study; never over an existing study.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PostgresStorage } from '../../src-main/engine/store/postgres-storage';
import { Store } from '../../src-main/engine/store/store';
import { parseStudySpec, type StudySpec } from '../../src-main/shared/spec';
import { runCli } from '../helpers/cli';
import { postgresMissing, usePostgres } from '../helpers/postgres';
import { quickSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';

const pg = usePostgres();

const spec = (() => {
  const r = parseStudySpec(quickSpec({ name: 'shared', trials: 6 }));
  if (!r.ok) throw new Error('bad spec');
  return r.spec as StudySpec;
})();

const provenance = { method: 'measured' as const, source: 'rapl', counter: '/sys/class/powercap/intel-rapl:0/energy_uj', resolutionJ: 1e-6, uncertaintyRel: null };

async function sharedStudy(url: string): Promise<void> {
  const s = await PostgresStorage.open(url);
  try {
    const study = await s.createStudy(spec);
    await s.setMeters(study.id, [{ id: 'rapl', domains: ['cpu-package'], status: 'ok', detail: 'readable' }]);
    await s.putHardwareClass(study.id, 'cpu:test|rapl', { cpu: 'Test CPU', meters: 'rapl' });
    await s.insertWindow(study.id, null, { phase: 'idle', startedAtMs: 1_700_000_000_000, durationS: 2, domains: [{ domain: 'cpu-package', energyJ: 6, provenance }], flags: [] });
    for (let i = 0; i < 4; i++) {
      const host = i % 2 ? 'node-b' : 'node-a';
      const t = (await s.claimTrial(study.id, { params: { units: 4 + 4 * i, learning_rate: 0.01, epochs: 2 + i }, retryOf: null, worker: { host, pid: 100 + i }, hardwareClass: 'cpu:test|rapl', budget: 6 }))!;
      if (i === 3) {
        await s.failTrial(t.id, 'exception', 'the trainer ran out of memory', undefined, 'stack');
        continue;
      }
      const perSample = 0.001 * (i + 1);
      await s.completeTrial(t.id, {
        metrics: { accuracy: 0.8 + 0.05 * i, infer_energy_j_per_sample: perSample, train_energy_j: 10 * (i + 1) },
        attrs: { pgid: 1000 + i },
        backend: 'wasm',
        powerSamples: [{ tMs: 1_700_000_010_000 + i, domain: 'cpu-package', powerW: 12.5 }],
        windows: [
          { phase: 'train', startedAtMs: 1_700_000_010_000, durationS: 1, domains: [{ domain: 'cpu-package', energyJ: 12 * (i + 1), attributedEnergyJ: 10 * (i + 1), provenance }], flags: [] },
          {
            phase: 'infer',
            startedAtMs: 1_700_000_011_000,
            durationS: 0.5,
            samples: 1000,
            domains: [{ domain: 'cpu-package', energyJ: perSample * 1200, attributedEnergyJ: perSample * 1000, provenance }],
            flags: [{ domain: 'cpu-package', kind: 'noisy', message: 'repeats spread 25%' }],
          },
        ],
      });
    }
  } finally {
    await s.close();
  }
}

describe.skipIf(postgresMissing !== null)('ecopt copy', () => {
  it('pulls a shared study into a file that `ecopt show` prints as it prints the shared one, and never copies over a study', async () => {
    const url = await pg.server().createDatabase();
    await sharedStudy(url);
    const file = join(tmpDir(), 'offline.db');

    const copied = await runCli(['copy', '--from', url, '--to', file, 'shared']);
    expect(copied.stderr).toBe('');
    expect(copied.code).toBe(0);
    expect(copied.stdout).toMatch(/Copied study "shared" \(4 trials\) from postgresql:\/\/.* to .*offline\.db/);

    const [fromFile, fromServer] = await Promise.all([
      runCli(['show', 'shared', '--db', file, '--wide']),
      runCli(['show', 'shared', '--storage', url, '--wide']),
    ]);
    expect(fromFile.code).toBe(0);
    expect(fromServer.code).toBe(0);
    expect(fromFile.stdout).toContain('node-b');
    expect(fromFile.stdout).toBe(fromServer.stdout);

    // the file holds the trials themselves, not just what show prints
    const store = new Store(file, { readonly: true });
    const source = await PostgresStorage.open(url);
    try {
      const study = store.requireStudy('shared');
      expect(store.getPlacedTrials(study.id).map(({ id: _i, retryOf: _r, ...t }) => t)).toEqual(
        (await source.getTrials((await source.requireStudy('shared')).id)).map(({ id: _i, retryOf: _r, ...t }) => t),
      );
      expect(store.getHardwareClasses(study.id)).toEqual([{ classId: 'cpu:test|rapl', inventory: { cpu: 'Test CPU', meters: 'rapl' } }]);
      // a copy is not a change of the study: it keeps the study's own last change
      expect(store.listStudies().map((x) => x.updatedAt)).toEqual((await source.listStudies()).map((x) => x.updatedAt));
    } finally {
      store.close();
      await source.close();
    }

    const again = await runCli(['copy', '--from', url, '--to', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already has a study named "shared"; nothing was copied/);
    expect(again.stderr).toMatch(/or name one study to copy/);
    // the user named one: not offered as the way out
    const named = await runCli(['copy', '--from', url, '--to', file, 'shared']);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/already has a study named "shared"; nothing was copied\. Copy into another file or database \(to refresh an offline copy, copy into a new file: a copy is never written over\)\n?$/);

    // a study file given where a database goes: the option to change is copy's own, not --db
    const json = join(tmpDir(), 'study.json');
    writeFileSync(json, '{"name": "x"}\n');
    const wrong = await runCli(['copy', '--from', json, '--to', join(tmpDir(), 'x.db')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/study\.json is not a SQLite database .*; choose another file for --from/);
    expect(wrong.stderr).not.toMatch(/--db/);
    // --budget on the shared study: the commands it prints read it there
    const budget = await runCli(['show', 'shared', '--storage', url, '--budget', 'at most 1 kJ per prediction']);
    expect(budget.code, budget.stderr).toBe(0);
    // these trials kept no model: it says so rather than print an export that would fail
    expect(budget.stdout).toMatch(/ {2}No model kept for it \(the study keeps only the front's models, or it ran before models were kept\)\.\n/);
    expect(budget.stdout).not.toMatch(/Take it away/);
    expect(budget.stdout).toMatch(/report shared --storage '?postgresql:\/\/\S+ --trial \d+ --budget 'at most 1 kJ per prediction'/);
    // --payback, report, verify and export read the shared study through a snapshot, as the app's
    // Reports screen does (walk 54: the terminal said to copy first what the app did in one step),
    // and say what they would say of the copy
    const [paybackServer, paybackFile] = await Promise.all([
      runCli(['show', 'shared', '--storage', url, '--payback', '--wide']),
      runCli(['show', 'shared', '--db', file, '--payback', '--wide']),
    ]);
    expect(paybackServer.code, paybackServer.stderr).toBe(0);
    expect(paybackServer.stdout).toMatch(/pays back|never/);
    expect(paybackServer.stdout).toBe(paybackFile.stdout);
    const [fromUrl, fromCopy] = [join(tmpDir(), 'from-url'), join(tmpDir(), 'from-copy')];
    const [reportServer, reportFile] = await Promise.all([
      runCli(['report', 'shared', '--storage', url, '--format', 'json,csv', '--out', fromUrl]),
      runCli(['report', 'shared', '--db', file, '--format', 'json,csv', '--out', fromCopy]),
    ]);
    expect(reportServer.code, reportServer.stderr).toBe(0);
    expect(reportFile.code, reportFile.stderr).toBe(0);
    const reportJson = (dir: string) => {
      const r = JSON.parse(readFileSync(join(dir, 'energy-report.json'), 'utf8')) as Record<string, unknown> & { digest: unknown };
      delete r.generatedAt;
      return r;
    };
    expect(reportJson(fromUrl).digest).toEqual(reportJson(fromCopy).digest);
    expect(reportJson(fromUrl)).toEqual(reportJson(fromCopy));
    const verified = await runCli(['verify', join(fromCopy, 'energy-report.json'), '--storage', url]);
    // the database it checked against, not the snapshot's temporary file
    expect(verified.stdout).toMatch(/^OK: .*energy-report\.json matches the measurements in postgresql:\/\/\S+\.\n/);
    expect(verified.code, verified.stderr).toBe(0);
    // export says of the server's study what it says of the copy (these trials kept no model)
    const [exportServer, exportFile] = await Promise.all([runCli(['export', 'shared', '--storage', url]), runCli(['export', 'shared', '--db', file])]);
    expect(exportServer.code).toBe(exportFile.code);
    expect(exportServer.stderr).toBe(exportFile.stderr);
    expect(exportServer.stderr).toMatch(/no complete trial with a kept model/);
    // a report of a study that is not in this database: said of the database, not of the temporary copy
    const elsewhere = join(tmpDir(), 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify({ ...reportJson(fromCopy), study: { ...(reportJson(fromCopy).study as object), name: 'gone' } }));
    const notThere = await runCli(['verify', elsewhere, '--storage', url]);
    expect(notThere.code).toBe(2);
    expect(notThere.stderr).toMatch(/no study "gone" in postgresql:\/\//);
    const missing = await runCli(['report', 'nosuch', '--storage', url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no study "nosuch" in postgresql:\/\//);
    // remeasure writes into the study: a file only, and it says how to get one
    const remeasure = await runCli(['remeasure', 'shared', '--storage', url]);
    expect(remeasure.code).toBe(2);
    expect(remeasure.stderr).toMatch(/is a PostgreSQL study, and this command writes into a study file: copy it first/);
  });
});

it.skipIf(postgresMissing === null)(`PostgreSQL tests skipped: ${postgresMissing ?? ''}`, () => undefined);
