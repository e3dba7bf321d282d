/**
 * The app's paths and places through the handlers, as the app calls them: `~` expanded, a
 * mistyped study file refused without creating anything, the folder chooser's listing, a name
 * clash refused rather than silently resumed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Api } from '../../../src-main/api/handlers';
import { browse, expandPath } from '../../../src-main/api/files';
import { tmpDir } from '../../helpers/tmp';

function api(dir: string): Api {
  return new Api({ mode: 'serve', dbPath: join(dir, 'studies.db'), emit: () => {} });
}

describe('paths typed or chosen in the app', () => {
  it('expands ~ and takes a relative path from the home folder', () => {
    expect(expandPath('~')).toBe(homedir());
    expect(expandPath('~/data/x.csv')).toBe(join(homedir(), 'data/x.csv'));
    expect(expandPath('data/x.csv')).toBe(join(homedir(), 'data/x.csv'));
    expect(expandPath('/abs/x.csv')).toBe('/abs/x.csv');
  });

  it('lists folders first, hides dotfiles, filters files by extension, and knows the parent', () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'b-folder'));
    writeFileSync(join(dir, 'a.csv'), 'x\n');
    writeFileSync(join(dir, 'c.txt'), 'x\n');
    writeFileSync(join(dir, '.hidden.csv'), 'x\n');
    const l = browse(join(dir, 'a.csv'), ['.CSV']);
    expect(l.path).toBe(dir);
    expect(l.entries.map((e) => `${e.kind}:${e.name}`)).toEqual(['folder:b-folder', 'file:a.csv']);
    expect(l.parent).not.toBeNull();
    expect(() => browse(join(dir, 'nope'))).toThrow(/there is no folder at/);
  });

  it('opens only a study file that exists: a mistyped path is an error and creates nothing', async () => {
    const dir = tmpDir();
    const a = api(dir);
    try {
      const typo = join(dir, 'studeis.db');
      expect(await a.dispatch('studies.openFile', { path: typo })).toEqual({ ok: false, error: expect.stringMatching(/^there is no study file at .*studeis\.db: check the path/) });
      expect(existsSync(typo)).toBe(false);
      expect(await a.dispatch('studies.openFile', { path: dir })).toEqual({ ok: false, error: expect.stringMatching(/is a folder, not a study file/) });
    } finally {
      a.close();
    }
  });

  it('opens another study file for the asking tab only: other tabs keep reading theirs', async () => {
    const dir = tmpDir();
    const { Store } = await import('../../../src-main/engine/store/store');
    const { parseStudySpec } = await import('../../../src-main/shared/spec');
    const other = join(dir, 'other.db');
    const s = new Store(other);
    const parsed = parseStudySpec({ name: 'elsewhere', model: 'command', command: { argv: ['true'] }, space: { x: { type: 'float', low: 0, high: 1 } }, objectives: [{ metric: 'accuracy' }], trials: 1 });
    if (!parsed.ok) throw new Error('bad spec');
    s.createStudy(parsed.spec);
    s.close();
    const a = api(dir);
    try {
      const opened = await a.dispatch('studies.openFile', { path: other });
      expect(opened).toMatchObject({ ok: true, data: { dbPath: other, studies: [{ name: 'elsewhere' }] } });
      // the tab that opened it sends its file with each request; a tab that sends none still reads the default
      expect(await a.dispatch('studies.list', {}, { dbPath: other })).toMatchObject({ ok: true, data: [{ name: 'elsewhere' }] });
      expect(await a.dispatch('studies.list', {})).toEqual({ ok: true, data: [] });
      expect(await a.dispatch('study.get', { name: 'elsewhere' })).toEqual({ ok: false, error: expect.stringMatching(/elsewhere/) });
      expect(await a.dispatch('app.info', {}, { dbPath: other })).toMatchObject({ ok: true, data: { dbPath: other, defaultDbPath: join(dir, 'studies.db') } });
      expect(await a.dispatch('app.info', {})).toMatchObject({ ok: true, data: { dbPath: join(dir, 'studies.db') } });
      // a tab whose file went away is told so, and nothing is created in its place
      const gone = join(dir, 'gone.db');
      expect(await a.dispatch('studies.list', {}, { dbPath: gone })).toEqual({ ok: false, error: expect.stringMatching(/^the study file this tab opened cannot be read any more: there is no study file at .*gone\.db/) });
      expect(existsSync(gone)).toBe(false);
    } finally {
      a.close();
    }
  });

  it('refuses a new study under a name the file already has, offering a free one', async () => {
    const dir = tmpDir();
    const a = api(dir);
    try {
      const spec = { name: 'twice', model: 'command', command: { argv: ['true'] }, space: { x: { type: 'float', low: 0, high: 1 } }, objectives: [{ metric: 'accuracy' }], trials: 1 };
      // the study row exists once a run has opened it
      const { Store } = await import('../../../src-main/engine/store/store');
      const { parseStudySpec } = await import('../../../src-main/shared/spec');
      const parsed = parseStudySpec(spec);
      if (!parsed.ok) throw new Error('bad spec');
      const s = new Store(join(dir, 'studies.db'));
      s.createStudy(parsed.spec);
      s.close();
      expect(await a.dispatch('study.start', { spec, mustBeNew: true })).toEqual({ ok: false, error: expect.stringMatching(/a study named "twice" already exists in .*: resume it, or give the new study another name such as "twice-2"/) });
    } finally {
      a.close();
    }
  });
});
