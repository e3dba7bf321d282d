/** `--storage` on the commands that read a study file, as `show` and `worker` name it; verify's default. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

describe('--storage beside --db', () => {
  it('is accepted by report, verify, export and remeasure; the readers open a PostgreSQL URL, remeasure asks for a copy', async () => {
    // report, verify and export read a shared study through a snapshot (test/cli/copy.test.ts): here the server is not there
    for (const args of [
      ['report', 'any', '--storage', 'postgresql://ecopt:secret@db.lab/studies'],
      ['verify', 'energy-report.json', '--storage', 'postgresql://ecopt:secret@db.lab/studies'],
      ['export', 'any', '--storage', 'postgresql://ecopt:secret@db.lab/studies'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/cannot connect to the PostgreSQL database postgresql:\/\/ecopt:\*\*\*@db\.lab\/studies/);
    }
    // remeasure writes new measurements into the study: a file only. The URL as given, its
    // password hidden and said so, and the study (walk 43: "<that URL>")
    const r = await runCli(['remeasure', 'any', '--storage', 'postgresql://ecopt:secret@db.lab/studies']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `postgresql://ecopt:***@db.lab/studies is a PostgreSQL study, and this command writes into a study file: copy it first, \`ecopt copy --from 'postgresql://ecopt:***@db.lab/studies' --to study.db any\` (your URL, with its password where it shows ***), then run this again with --db study.db`,
    );
    const both = await runCli(['export', 'any', '--db', 'a.db', '--storage', 'b.db']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --db or --storage, not both/);
  });

  it('verify without a database, and none in the data folder, asks for the one the report was written from', async () => {
    const data = tmpDir();
    const r = await runCli(['verify', 'report/energy-report.json'], { ECOPT_DATA_DIR: data });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no study database in your data folder (${join(data, 'studies.db')}): give the one the report was written from, \`ecopt verify report/energy-report.json --db <file>\`, or for a shared study its database, \`--storage <postgresql://…>\``);
  });
});
