/**
 * An idle baseline taken while another program keeps a core busy, then trials run without it:
 * the situation that used to store negative "net of idle" figures. Nothing negative may reach
 * the database, `ecopt show` or the report, and the trials say why there is no net figure.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src-main/engine/store/store';
import { runStudy } from '../../src-main/engine/study/study';
import { SqliteStorage } from '../../src-main/engine/store/sqlite-storage';
import { parseStudySpec } from '../../src-main/shared/spec';
import { runCli } from '../helpers/cli';
import { quickSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';

/** Every number under a key that names an energy figure. */
function energyNumbers(value: unknown, key = '', out: [string, number][] = []): [string, number][] {
  if (typeof value === 'number' && /energy|kwh|joule/i.test(key)) out.push([key, value]);
  else if (Array.isArray(value)) value.forEach((v) => energyNumbers(v, key, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) energyNumbers(v, k, out);
  return out;
}

describe('no negative energy, ever', () => {
  it('an idle baseline taken under load is flagged, and no negative figure is stored, shown or reported', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const parsed = parseStudySpec(quickSpec({ name: 'loaded-baseline', trials: 2, meters: { idleBaselineS: 2 } }));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const burner = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
    const store = new Store(db);
    let idleEnd: string | null = null;
    try {
      await runStudy({
        storage: new SqliteStorage(store),
        spec: parsed.spec,
        onEvent: (e) => {
          if (e.type === 'idle-end') {
            burner.kill('SIGKILL');
            idleEnd = e.underLoad;
          }
        },
      });
    } finally {
      burner.kill('SIGKILL');
      store.close();
    }

    const raw = new Database(db, { readonly: true });
    const negative = raw.prepare('SELECT count(*) AS n FROM window_energy WHERE energy_j < 0 OR net_energy_j < 0 OR attributed_energy_j < 0').get() as { n: number };
    expect(negative.n).toBe(0);
    expect(raw.prepare("SELECT count(*) AS n FROM trial_metrics WHERE name LIKE '%energy%' AND value < 0").get()).toEqual({ n: 0 });
    const idleFlags = raw.prepare("SELECT f.kind FROM window_flags f JOIN windows w ON w.id = f.window_id WHERE w.phase = 'idle'").all() as { kind: string }[];
    expect(idleFlags.map((f) => f.kind)).toContain('baseline-under-load');
    // said when the baseline ends (`tune` prints it beside the idle power), not only at the end
    expect(idleEnd).toMatch(/other programs kept the CPU \d+% busy/);
    // every trial window says why it has no net figure, and none has one
    const trialWindows = raw.prepare("SELECT w.id FROM windows w WHERE w.phase != 'idle'").all() as { id: number }[];
    for (const { id } of trialWindows) {
      const kinds = (raw.prepare('SELECT kind FROM window_flags WHERE window_id = ?').all(id) as { kind: string }[]).map((f) => f.kind);
      expect(kinds).toContain('net-meaningless');
      expect(raw.prepare('SELECT count(*) AS n FROM window_energy WHERE window_id = ? AND net_energy_j IS NOT NULL').get(id)).toEqual({ n: 0 });
    }
    raw.close();

    const show = await runCli(['show', 'loaded-baseline', '--db', db]);
    expect(show.code).toBe(0);
    expect(show.stdout).not.toMatch(/(^|[\s(=:|])[-−]\d[\d.]*(e-?\d+)?\s*[kmµn]?(J|Wh)\b/m);
    expect(show.stdout).toMatch(/baseline-under-load|net of idle.* not/);

    const out = join(dir, 'report');
    const report = await runCli(['report', 'loaded-baseline', '--db', db, '--out', out]);
    expect(report.code, report.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'energy-report.json'), 'utf8'));
    const figures = energyNumbers(json);
    expect(figures.length).toBeGreaterThan(5);
    expect(figures.filter(([, v]) => v < 0)).toEqual([]);
    expect(readFileSync(join(out, 'energy-report.md'), 'utf8')).not.toMatch(/(^|[\s(=:|])[-−]\d[\d.]*(e-?\d+)?\s*[kmµn]?(J|Wh)\b/m);
  });
});
