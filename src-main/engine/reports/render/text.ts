/** Shared wording for the renderers: each figure with its unit and where it came from. */
import { formatSi } from '../../../shared/format';
import type { EnergyReport, PhaseFigures } from '../../../shared/report';

export function kwh(x: number): string {
  if (x === 0) return '0 kWh';
  return x >= 0.01 ? `${Number(x.toPrecision(4))} kWh` : `${x.toExponential(3)} kWh`;
}

export function grams(x: number): string {
  return x >= 1000 ? `${Number((x / 1000).toPrecision(4))} kg CO2e` : x >= 0.01 ? `${Number(x.toPrecision(4))} g CO2e` : `${x.toExponential(3)} g CO2e`;
}

export function uncertainty(u: number | null): string {
  return u === null ? 'uncertainty not stated by the counter' : `±${(u * 100).toFixed(0)}%`;
}

export function methodLabel(phase: PhaseFigures): string {
  const sources = [...new Set(phase.domains.map((d) => d.provenance.source))].join(', ');
  return `${phase.method} (${sources}; ${uncertainty(phase.uncertaintyRel)})`;
}

/** The GPAI Code of Practice Model Documentation Form's energy rows, filled in. */
export function gpaiRows(r: EnergyReport): [string, string][] {
  return [
    ['Energy consumption for training (MWh)', `${r.training.energyMWh2sf} MWh (${methodLabel(r.training)})`],
    ['Measured or estimated', r.training.method === 'measured' ? 'Measured' : r.training.method === 'estimated' ? 'Estimated' : 'Partly measured, partly estimated (see methodology)'],
    ['Methodology', r.methodology.slice(0, 3).join(' ')],
    ['Training time', `${r.training.durationS.toFixed(1)} s wall-clock; ${r.training.hardwareTimeS.toFixed(1)} processor-seconds`],
    ['Computational resources used for training (FLOPs)', `${r.training.flops.toExponential(3)} FLOP (approximation: 3 × forward FLOPs × samples × epochs)`],
    [
      'Compute and energy for a benchmarked inference task',
      `${r.inference.task}: ${r.inference.samples} inferences, ${r.inference.flops.toExponential(3)} FLOP, ${formatSi(r.inference.energyJ, 'J')} (${formatSi(r.inference.jPerSample, 'J')} per inference; ${methodLabel(r.inference)})`,
    ],
    ['Hardware', Object.entries(r.hardware).filter(([k]) => k.startsWith('cpu') || k.startsWith('gpu') || k === 'memory_gib').map(([k, v]) => `${k}: ${v}`).join('; ')],
  ];
}
