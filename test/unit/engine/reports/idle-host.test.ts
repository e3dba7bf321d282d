/**
 * A shared study's workers each take their own idle baseline: the report of a trial names the
 * baseline of the machine that ran it, not the last one any machine stored.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../../src-main/engine/reports/build';
import { renderReports } from '../../../../src-main/engine/reports/index';
import { provenanceLines } from '../../../../src-main/cli/present';
import { Store } from '../../../../src-main/engine/store/store';
import type { DomainEnergy, Provenance } from '../../../../src-main/shared/types';
import { spreadSpec } from '../../../helpers/two-classes';
import { tmpDir } from '../../../helpers/tmp';

const est: Provenance = { method: 'estimated', source: 'cpu-tdp-estimate', model: 'tdp-linear-utilisation', inputs: { tdpW: 65 }, uncertaintyRel: 0.4 };
const cpu = (j: number): DomainEnergy => ({ domain: 'cpu-package', energyJ: j, attributedEnergyJ: j, provenance: est });
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

describe("a trial's idle baseline, in a study run on several machines", () => {
  it('is the one its own machine took, though another machine stored one later', async () => {
    const store = new Store(join(tmpDir(), 's.db'));
    const study = store.createStudy(spreadSpec());
    store.putHardwareClass(study.id, 'aaaa1111', { label: 'EPYC B', cpu_model: 'EPYC B' });
    // m2 idles at 20 W, then m1 at 10 W, then m2 runs the trial
    store.insertWindow(study.id, null, { phase: 'idle', startedAtMs: T0, durationS: 10, domains: [cpu(200)], host: 'm2' });
    store.insertWindow(study.id, null, { phase: 'idle', startedAtMs: T0 + 5_000, durationS: 10, domains: [cpu(100)], host: 'm1' });
    const t = store.claimTrial(study.id, { params: { units: 64 }, retryOf: null, worker: { host: 'm2', pid: 7 }, hardwareClass: 'aaaa1111', budget: 20 })!;
    store.completeTrial(t.id, {
      metrics: { accuracy: 0.9, infer_energy_j_per_sample: 1e-3, train_energy_j: 50 },
      windows: [
        { phase: 'train', startedAtMs: T0 + 20_000, durationS: 2, domains: [cpu(50)] },
        { phase: 'infer', startedAtMs: T0 + 22_000, durationS: 1, samples: 100, domains: [cpu(0.1)] },
      ],
      attrs: {},
      backend: 'wasm',
      powerSamples: [],
    });
    // the host comes back as stored
    expect(store.getWindows({ studyId: study.id, phase: 'idle' }).map((w) => w.host)).toEqual(['m2', 'm1']);
    const r = buildReport(store, 'spread', { trialNumber: t.number });
    expect(r.idleBaseline).toEqual({ durationS: 10, powerW: { 'cpu-package': 20 } });
    // and the report names the machine's hardware class, as show and the model card do
    expect(r.hardware.hardwareClass).toEqual({ id: 'aaaa1111', label: 'EPYC B' });
    expect(r.hardware.recorded.host).toBe('m2');
    const { files } = await renderReports(store, 'spread', { trialNumber: t.number }, ['md']);
    expect(String(files.find((f) => f.name === 'energy-report.md')!.content)).toContain('| Hardware class | aaaa1111 (EPYC B): energy is compared only with trials of this class (ecopt show lists them) |');
    // ecopt show gives each machine's own latest baseline, not the last one any machine stored
    const lines = provenanceLines(store, store.requireStudy('spread'), store.getTrials(study.id));
    expect(lines).toContain('idle baseline on m2 (10.0 s): cpu-package 20.00 W — net figures are gross minus idle power × duration, where not negative');
    expect(lines).toContain('idle baseline on m1 (10.0 s): cpu-package 10.00 W — net figures are gross minus idle power × duration, where not negative');
    store.close();
  });
});
