import { describe, expect, it } from 'vitest';
import { idleBaseline } from '../../../../src-main/engine/meters/attribution';
import { finalizeEnergy } from '../../../../src-main/engine/trials/energy';
import { idlePowerW, netEnergyJ } from '../../../../src-main/engine/meters/meter-set';
import type { EnergyWindow, Provenance } from '../../../../src-main/shared/types';

const measured: Provenance = { method: 'measured', source: 'rapl', counter: '/x/energy_uj', resolutionJ: 1e-6, uncertaintyRel: null };
const estimated: Provenance = { method: 'estimated', source: 'cpu-tdp-estimate', model: 'tdp-linear-utilisation', inputs: {}, uncertaintyRel: 0.4 };

describe('idle baseline arithmetic', () => {
  const idle: EnergyWindow = {
    phase: 'idle',
    startedAtMs: 0,
    durationS: 10,
    domains: [
      { domain: 'cpu-package:0', energyJ: 150, provenance: measured },
      { domain: 'gpu:0', energyJ: 300, provenance: measured },
    ],
    // a quiet machine: 2% of 4 cores busy
    cpu: { treeS: null, machineBusyS: 0.8, cores: 4 },
  };

  it('turns an idle window into idle power per domain', () => {
    expect(idlePowerW(idle)).toEqual({ 'cpu-package:0': 15, 'gpu:0': 30 });
  });

  it('net = gross − idle power × duration, per domain', () => {
    const w: EnergyWindow = { ...idle, phase: 'train', durationS: 4, domains: [{ ...idle.domains[0]!, energyJ: 100 }, { ...idle.domains[1]!, energyJ: 500 }] };
    expect(netEnergyJ(w, idlePowerW(idle))).toEqual({ 'cpu-package:0': 40, 'gpu:0': 380 });
  });

  it('adds net figures to every window and the net metrics, keeping provenance on every domain', () => {
    const result = finalizeEnergy(
      {
        metrics: { accuracy: 0.9, train_energy_j: 600 },
        attrs: {},
        backend: 'wasm',
        powerSamples: [],
        windows: [
          { phase: 'train', startedAtMs: 0, durationS: 4, domains: [{ domain: 'cpu-package:0', energyJ: 100, provenance: measured }, { domain: 'dram:0', energyJ: 8, provenance: estimated }] },
          { phase: 'infer', startedAtMs: 0, durationS: 2, samples: 1000, domains: [{ domain: 'cpu-package:0', energyJ: 50, provenance: measured }] },
        ],
      },
      idleBaseline({ ...idle, domains: [idle.domains[0]!] }),
    );
    expect(result.windows[0]!.domains[0]).toEqual({ domain: 'cpu-package:0', energyJ: 100, netEnergyJ: 40, attributedEnergyJ: 100, provenance: measured });
    // a domain without a baseline gets no net figure rather than a made-up one
    expect(result.windows[0]!.domains[1]).toEqual({ domain: 'dram:0', energyJ: 8, attributedEnergyJ: 8, provenance: estimated });
    expect(result.metrics.train_energy_net_j).toBeUndefined();
    expect(result.metrics.infer_energy_net_j_per_sample).toBeCloseTo((50 - 30) / 1000, 12);
  });
});
