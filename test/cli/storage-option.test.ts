/** `--storage` on the commands that read a study file, as `show` and `worker` name it; verify's default. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

describe('--storage beside --db', () => {
  it('is accepted by report, verify, export and remeasure, a PostgreSQL URL asking for a copy first', async () => {
    for (const args of [
      ['report', 'any', '--storage', 'postgresql://ecopt:secret@db.lab/studies'],
      ['verify', 'energy-report.json', '--storage', 'postgresql://ecopt:secret@db.lab/studies'],
      ['export', 'any', '--storage', 'postgresql://ecopt:secret@db.lab/studies'],
      ['remeasure', 'any', '--storage', 'postgresql://ecopt:secret@db.lab/studies'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      // the URL as given, its password hidden and said so, and the study where the command names one (walk 43: "<that URL>")
      const study = args[0] === 'verify' ? '' : ' any';
      expect(r.stderr).toContain(
        `postgresql://ecopt:***@db.lab/studies is a PostgreSQL study, and this command reads a study file: copy it first, \`ecopt copy --from 'postgresql://ecopt:***@db.lab/studies' --to study.db${study}\` (your URL, with its password where it shows ***), then run this again with --db study.db`,
      );
    }
    const both = await runCli(['export', 'any', '--db', 'a.db', '--storage', 'b.db']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --db or --storage, not both/);
  });

  it('verify without a database, and none in the data folder, asks for the one the report was written from', async () => {
    const data = tmpDir();
    const r = await runCli(['verify', 'report/energy-report.json'], { ECOPT_DATA_DIR: data });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no study database in your data folder (${join(data, 'studies.db')}): give the one the report was written from, \`ecopt verify report/energy-report.json --db <file>\``);
  });
});
