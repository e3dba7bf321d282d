import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Api } from '../../src-main/api/handlers';
import { serve } from '../../src-main/api/http-server';
import { COMMAND_NAME_LIST } from '../../src-main/shared/command-names';
import { COMMAND_NAMES, commands } from '../../src-main/shared/contract';
import { tmpDir } from '../helpers/tmp';
import { quickSpec } from '../helpers/specs';

const dir = tmpDir('ecopt-contract-');
const api = new Api({ mode: 'serve', dbPath: join(dir, 's.db'), emit: () => {} });
afterAll(() => api.close());

describe('the contract', () => {
  it('names the same commands in the preload list and the schemas', () => {
    expect([...COMMAND_NAME_LIST].sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it.each(COMMAND_NAMES)('%s rejects a malformed payload with a message naming the field', async (name) => {
    const r = await api.dispatch(name, { notAField: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(new RegExp(`^${name.replace('.', '\\.')}: `));
    const wrongType = await api.dispatch(name, 'not an object');
    expect(wrongType.ok).toBe(false);
  });

  it('rejects an unknown command', async () => {
    expect(await api.dispatch('studies.drop', {})).toEqual({ ok: false, error: 'unknown command "studies.drop"' });
  });

  it('turns engine errors into data a person can act on', async () => {
    const r = await api.dispatch('study.get', { name: 'nope' });
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^no study "nope" in .*this file has no studies yet$/) });
    const bad = await api.dispatch('study.start', { spec: quickSpec({ space: { units: { type: 'int', low: 9, high: 2 } } }) });
    expect(bad).toEqual({ ok: false, error: expect.stringMatching(/space\.units: low \(9\) must be below high \(2\); swap them/) });
  });

  it('declares a request schema for every command', () => {
    for (const name of COMMAND_NAMES) expect(commands[name].request).toBeDefined();
  });
});

describe('ecopt serve', () => {
  it('answers only with the token, on loopback', async () => {
    const served = await serve({ rendererDir: tmpDir(), dbPath: join(tmpDir(), 's.db') });
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
      const base = served.url.split('?')[0]!;
      const noToken = await fetch(`${base}api/studies.list`, { method: 'POST', body: '{}' });
      expect(noToken.status).toBe(403);
      const wrong = await fetch(`${base}api/studies.list?token=wrong`, { method: 'POST', body: '{}' });
      expect(wrong.status).toBe(403);
      const ok = await fetch(`${base}api/studies.list?token=${served.token}`, { method: 'POST', body: '{}' });
      expect(await ok.json()).toEqual({ ok: true, data: [] });
      const malformed = await fetch(`${base}api/trial.get?token=${served.token}`, { method: 'POST', body: '{"name": 5}' });
      expect(await malformed.json()).toEqual({ ok: false, error: expect.stringMatching(/^trial\.get: name: /) });
      await expect(serve({ rendererDir: tmpDir(), host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
    } finally {
      await served.close();
    }
  });
});
