import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudySpec } from '../../src-main/shared/spec';
import { Store } from '../../src-main/engine/store/store';
import { progressLine } from '../../src-main/cli/progress';
import { table, wrap } from '../../src-main/cli/table';
import { BIN, ROOT } from '../helpers/cli';
import { quickSpec, writeSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';

/** util-linux `script` gives the command a real terminal of the size we set. */
const hasScript = spawnSync('script', ['--version']).status === 0;

function inTerminal(columns: number, command: string): Promise<string> {
  const child = spawn('script', ['-qec', `stty cols ${columns} rows 40; ${command}`, '/dev/null'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  // decoded once at the end: a chunk may end inside a multi-byte character ("─" is 3 bytes), and
  // decoding chunk by chunk turned it into replacement characters that made a line look too long
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  child.stderr.on('data', (d: Buffer) => chunks.push(d));
  return new Promise((resolve) => child.on('close', () => resolve(Buffer.concat(chunks).toString('utf8'))));
}

const ecopt = (args: string[]) => [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');

describe.skipIf(!hasScript)('ecopt on a terminal', () => {
  it('draws no "0/0" frame and keeps the progress line within the terminal, shortening rather than cutting', async () => {
    const dir = tmpDir();
    // the idle baseline gives a long phase to show; the study is stopped during it
    const spec = writeSpec(dir, quickSpec({ name: 'tty', meters: { idleBaselineS: 30 } }));
    const out = await inTerminal(60, `exec timeout -s INT 8 ${ecopt(['tune', spec, '--db', join(dir, 's.db')])}`);
    expect(out).toMatch(/Measuring the idle machine/);
    const frames = out
      .split(/\r\n|\r|\n/)
      .map((l) => l.replace(/\x1b\[2K/g, ''))
      .filter((l) => /^\[[█░]*\] \d+\/\d+ trials/.test(l));
    expect(frames.length).toBeGreaterThan(0);
    expect(out).not.toMatch(/0\/0 trials/);
    for (const f of frames) {
      expect(f.length).toBeLessThan(60);
      // every part of the line is whole, or visibly shortened
      const tail = f.split(' · ').at(-1)!;
      expect(tail).toMatch(/^\[[█░]*\] \d+\/\d+ trials$|^ETA \S+$|…$|skips\)$/);
    }
    expect(frames.some((f) => f.includes('measuring the idle'))).toBe(true);
  });

  it('fits `ecopt show` tables to the terminal, and prints them whole with --wide', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const parsed = parseStudySpec(quickSpec({ name: 'wide' }));
    if (!parsed.ok) throw new Error('bad spec');
    const store = new Store(db);
    const study = store.createStudy(parsed.spec);
    const params = { hidden_layers: 2, units: 118, activation: 'tanh', dropout: 0.125, learning_rate: 0.00123, epochs: 7, batch_size: 64 };
    for (let i = 0; i < 3; i++) {
      const t = store.createTrial(study.id, params);
      store.startTrial(t.id);
      store.completeTrial(t.id, { metrics: { accuracy: 0.9 + i / 100, infer_energy_j_per_sample: 0.002 - i / 1000, train_energy_j: 12 }, windows: [], attrs: {}, backend: 'cpu', powerSamples: [] });
    }
    store.close();

    for (const columns of [80, 100]) {
      const out = await inTerminal(columns, ecopt(['show', 'wide', '--db', db]));
      const lines = out.split('\r\n');
      expect(lines.filter((l) => /^\d+\s+complete/.test(l))).toHaveLength(3);
      // the trials table and the front: from each '#' header to the blank line after it
      const tableLines = lines.filter((_, i) => {
        const start = lines.slice(0, i + 1).findLastIndex((l) => l.startsWith('#  '));
        return start >= 0 && !lines.slice(start, i + 1).includes('');
      });
      expect(tableLines.length).toBeGreaterThan(8);
      for (const l of tableLines) expect(l.length, l).toBeLessThanOrEqual(columns);
      // the wrapped parameters are all there
      expect(lines.join(' ').replace(/\s+/g, ' ')).toMatch(/epochs=7 hidden_layers=2 learning_rate=0\.00123 units=118/);
    }
    const wide = await inTerminal(80, ecopt(['show', 'wide', '--db', db, '--wide']));
    expect(wide.split('\r\n').some((l) => l.length > 100 && /^\d+\s+complete.*units=118$/.test(l.trimEnd()))).toBe(true);
  });
});

describe('the pieces of the terminal view', () => {
  it('progressLine: whole parts, never past the width, the count always there', () => {
    const s = { done: 3, budget: 16, etaS: 75, phase: 'trial 3 train epoch 2/10', last: '#2 acc 91.2%, 1.3 mJ/prediction' };
    expect(progressLine(s, 200)).toBe(`[${'█'.repeat(5)}${'░'.repeat(19)}] 3/16 trials · ETA 1m15s · trial 3 train epoch 2/10 · last: #2 acc 91.2%, 1.3 mJ/prediction`);
    for (let w = 10; w < 140; w++) {
      const line = progressLine(s, w);
      expect(line.length).toBeLessThanOrEqual(w);
      if (w >= 20) expect(line).toMatch(/3\/16 trials/);
    }
    expect(progressLine({ ...s, done: 40, budget: 16 }, 100)).toMatch(/^\[█{24}\] 16\/16 trials \(40 done\)/);
  });

  it("progressLine: the running trial's projected joules survive a narrow terminal, and its time left counts down", () => {
    const now = 1_000_000;
    const s = { done: 3, budget: 16, etaS: 80, phase: 'trial 3 train epoch 4/8', phaseShort: '#3 epoch 4/8', last: '#2 acc 91.2%, 1.3 mJ/prediction', projection: { energyJ: 121, intervalRel: 0.18, endsAtMs: now + 12_000 } };
    expect(progressLine(s, 200, now)).toContain('trial 3 train epoch 4/8 · projected: training 121 J ± 22 J, training ends in about 12s');
    for (const w of [60, 70, 80, 100, 120]) {
      const line = progressLine(s, w, now);
      expect(line.length, line).toBeLessThanOrEqual(w);
      // the figure whole, never "projected: training 12…"
      expect(line, `${w} columns`).toMatch(/121 J ± 22 J/);
      expect(line).toMatch(/3\/16 trials/);
    }
    expect(progressLine(s, 100, now)).toMatch(/ETA 1m20s/);
    // later, the same projection has less time left
    expect(progressLine(s, 200, now + 9_000)).toContain('training ends in about 3s');
    expect(progressLine(s, 90, now + 20_000)).toMatch(/121 J ± 22 J/);
  });

  it('table: wraps the widest columns to fit, keeps each row\'s first line whole at the left', () => {
    const rows = [['1', 'complete', 'a'.repeat(10), 'units=64 learning_rate=0.001 epochs=5 batch_size=64 activation=relu dropout=0.1']];
    const t = table(['#', 'state', 'accuracy', 'parameters'], rows, { maxWidth: 50 });
    for (const l of t.split('\n')) expect(l.length).toBeLessThanOrEqual(50);
    expect(t.split('\n')[2]).toMatch(/^1 {2}complete {2}a{10} {2}units=64/);
    expect(table(['#', 'parameters'], rows.map((r) => [r[0]!, r[3]!]))).toContain(rows[0]![3]);
    expect(wrap('abcdefghij klm', 4)).toEqual(['abcd', 'efgh', 'ij', 'klm']);
    // a failed command's traceback keeps its row on one line when piped (no width limit)
    const failed = table(['#', 'state', 'parameters'], [['3', 'failed', 'crash: exited with code 1; its last error lines:\nTraceback (most recent call last):\n  ValueError: bad']]);
    expect(failed.split('\n')).toHaveLength(3);
    expect(failed.split('\n')[2]).toMatch(/^3 {2}failed {2}crash: exited with code 1; its last error lines: ↵ Traceback \(most recent call last\): ↵ ValueError: bad$/);
  });
});
