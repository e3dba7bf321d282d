/** The temporary folders of trials a killed run left behind (`kill -9`: nothing ran its cleanup). */
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepStaleTrialDirs } from '../../../../src-main/engine/trials/process-runner';
import { tmpDir } from '../../../helpers/tmp';

describe("a killed run's trial folders", () => {
  it('are removed when a day old and holding only what a trial writes there; others are left', () => {
    const dir = tmpDir();
    const make = (name: string, files: string[], ageH: number) => {
      const d = join(dir, name);
      mkdirSync(d);
      for (const f of files) writeFileSync(join(d, f), '{}');
      const t = (Date.now() - ageH * 3600_000) / 1000;
      utimesSync(d, t, t);
      return d;
    };
    const old = make('ecopt-trial-aaa', ['params.json'], 30);
    const oldTrainer = make('ecopt-trial-bbb', ['input.json'], 48);
    const recent = make('ecopt-trial-ccc', ['params.json'], 2); // a run may still be using it
    const other = make('ecopt-trial-ddd', ['params.json', 'notes.txt'], 30); // not only ours
    const unrelated = make('something-else', ['params.json'], 30);
    expect(sweepStaleTrialDirs(Date.now(), dir)).toBe(2);
    expect([old, oldTrainer].map(existsSync)).toEqual([false, false]);
    expect([recent, other, unrelated].map(existsSync)).toEqual([true, true, true]);
  });
});
