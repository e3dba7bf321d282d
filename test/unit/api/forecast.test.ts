import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Api } from '../../../src-main/api/handlers';
import { quickSpec } from '../../helpers/specs';
import { tmpDir } from '../../helpers/tmp';

const api = new Api({ mode: 'serve', dbPath: join(tmpDir(), 's.db'), emit: () => {} });
afterAll(() => api.close());

describe('study.forecast (the wizard\'s forecast line)', () => {
  it('answers a reason, not a number, until this machine has measured enough trials, and stores nothing', async () => {
    const r = await api.dispatch('study.forecast', { spec: quickSpec({ name: 'forecast-me' }) });
    expect(r).toEqual({ ok: true, data: { ok: false, reason: 'not enough trials measured on this machine yet (0 complete, 8 needed)' } });
    const studies = await api.dispatch('studies.list', {});
    expect(studies).toEqual({ ok: true, data: [] });
  });

  it('asks for a valid study first', async () => {
    const r = await api.dispatch('study.forecast', { spec: { name: 'x' } });
    expect(r.ok && r.data).toMatchObject({ ok: false, reason: expect.stringMatching(/^the study has \d+ problem\(s\) to fix first$/) as unknown as string });
  });

  it('has none for a command study, whose cost is known only once it runs', async () => {
    const spec = quickSpec({ name: 'cmd', model: 'command', dataset: undefined, command: { argv: ['python3', 'train.py'] }, space: { lr: { type: 'float', low: 0.001, high: 0.1 } } });
    const r = await api.dispatch('study.forecast', { spec });
    expect(r).toEqual({ ok: true, data: { ok: false, reason: "a command study's FLOPs and parameters are known only once it runs" } });
  });
});
