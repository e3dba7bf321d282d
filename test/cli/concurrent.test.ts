/**
 * One study at a time per machine: `ecopt tune` refuses to start while another study runs here
 * (its energy would include the other's work), `--allow-concurrent` starts anyway, and a lock
 * file left by a crashed run never blocks the next one.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeRuns, registerRun } from '../../src-main/engine/study/machine-runs';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

function studyFile(dir: string): string {
  const path = join(dir, 'quick.json');
  // 50 ms of predictions: a shorter inference phase is too short to measure, and fails its trial
  const script = 'console.log(JSON.stringify({phase:"infer"})); const t0 = Date.now(); while (Date.now() - t0 < 50); console.log(JSON.stringify({accuracy: 0.9, infer_samples: 100}))';
  writeFileSync(
    path,
    JSON.stringify({
      name: 'concurrent-check',
      model: 'command',
      command: { argv: [process.execPath, '-e', script] },
      space: { x: { type: 'float', low: 0, high: 1 } },
      objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
      trials: 1,
      meters: { idleBaselineS: 0 },
    }),
  );
  return path;
}

describe('ecopt tune beside another study on the same machine', () => {
  it('ecopt remeasure refuses too while a study runs here, before it opens anything', async () => {
    const dir = tmpDir();
    const env = { ECOPT_RUN_DIR: join(dir, 'running'), ECOPT_ALLOW_CONCURRENT: '' };
    const release = registerRun('someone-elses', join(dir, 'other.db'), env);
    try {
      const refused = await runCli(['remeasure', 'mine', '--db', join(dir, 's.db')], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/a study is running on this machine: "someone-elses".*--allow-concurrent/s);
      expect(readdirSync(dir)).not.toContain('s.db');
    } finally {
      release();
    }
  });

  it('refuses by default, naming the other study, and starts with --allow-concurrent', async () => {
    const dir = tmpDir();
    const env = { ECOPT_RUN_DIR: join(dir, 'running'), ECOPT_ALLOW_CONCURRENT: '' };
    const release = registerRun('someone-elses', join(dir, 'other.db'), env);
    try {
      expect(activeRuns(env).map((r) => r.study)).toEqual(['someone-elses']);
      const refused = await runCli(['tune', studyFile(dir), '--db', join(dir, 's.db'), '--quiet'], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/another study is running on this machine: "someone-elses" \(pid \d+, .*other\.db\).*--allow-concurrent/s);
      const forced = await runCli(['tune', studyFile(dir), '--db', join(dir, 's.db'), '--quiet', '--allow-concurrent'], env);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stderr).not.toMatch(/another study is running/);
      // its own lock is gone when it ends; the other one stays
      expect(activeRuns(env).map((r) => r.study)).toEqual(['someone-elses']);
    } finally {
      release();
    }
    expect(readdirSync(env.ECOPT_RUN_DIR)).toEqual([]);
  }, 60_000);

  it('ignores and removes the lock of a run whose process is gone', async () => {
    const dir = tmpDir();
    const env = { ECOPT_RUN_DIR: join(dir, 'running'), ECOPT_ALLOW_CONCURRENT: '' };
    const release = registerRun('crashed', join(dir, 'other.db'), env);
    const [file] = readdirSync(env.ECOPT_RUN_DIR);
    const lock = JSON.parse((await import('node:fs')).readFileSync(join(env.ECOPT_RUN_DIR, file!), 'utf8')) as Record<string, unknown>;
    release();
    // the same record, as a process that died without removing it would leave it
    writeFileSync(join(env.ECOPT_RUN_DIR, 'stale.json'), JSON.stringify({ ...lock, pid: 2 ** 22 + 12345 }));
    expect(activeRuns(env)).toEqual([]);
    expect(readdirSync(env.ECOPT_RUN_DIR)).toEqual([]);
  });
});
