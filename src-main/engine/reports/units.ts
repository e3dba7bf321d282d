/**
 * Numbers as a compliance reader expects them: SI prefixes and plain decimals (µJ, mJ, J, kJ;
 * Wh, kWh, MWh; mg, g, kg, t), never scientific notation, in every text format of the report.
 */

/**
 * A plain decimal with `sig` significant figures: 4.2e-8 → "0.000000042", 1.2e12 →
 * "1,200,000,000,000". Trailing zeros are dropped unless `keepZeros` (where the significant
 * figures themselves are the point: "1.0 MWh").
 */
export function plainNumber(x: number, sig = 3, options: { group?: boolean; keepZeros?: boolean } = {}): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return options.keepZeros && sig > 1 ? `0.${'0'.repeat(sig - 1)}` : '0';
  const rounded = Number(x.toPrecision(sig));
  const exp = Math.floor(Math.log10(Math.abs(rounded)));
  const decimals = Math.max(0, sig - 1 - exp);
  let text = rounded.toFixed(Math.min(decimals, 100));
  if (!options.keepZeros && text.includes('.')) text = text.replace(/\.?0+$/, '');
  if (options.group === false) return text;
  const [int, frac] = text.split('.');
  const sign = int!.startsWith('-') ? '-' : '';
  const digits = int!.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${frac !== undefined ? `.${frac}` : ''}`;
}

const SMALL: [number, string][] = [
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
];

function prefixed(value: number, unit: string, scales: [number, string][], sig: number): string {
  if (value === 0) return `0 ${unit}`;
  const abs = Math.abs(value);
  for (const [scale, prefix] of scales) {
    if (abs >= scale * (1 - 0.5 * 10 ** -sig)) return `${plainNumber(value / scale, sig)} ${prefix}${unit}`;
  }
  const [scale, prefix] = scales.at(-1)!;
  return `${plainNumber(value / scale, sig)} ${prefix}${unit}`;
}

/** Energy: µJ, mJ, J, kJ below 10 Wh; Wh, kWh, MWh above. */
export function energyText(joules: number, sig = 3): string {
  if (Math.abs(joules) < 36_000) return prefixed(joules, 'J', SMALL, sig);
  const wh = joules / 3600;
  return prefixed(wh, 'Wh', [
    [1e6, 'M'],
    [1e3, 'k'],
    [1, ''],
  ], sig);
}

/** Emissions: µg, mg, g, kg, t CO2e. */
export function gramsText(g: number, sig = 3): string {
  if (Math.abs(g) >= 1e6) return `${plainNumber(g / 1e6, sig)} t CO2e`;
  return `${prefixed(g, 'g', SMALL, sig)} CO2e`;
}

/** Power: mW, W, kW. */
export function powerText(w: number, sig = 3): string {
  return prefixed(w, 'W', SMALL, sig);
}

/** FLOPs to `sig` significant figures with an SI prefix and the plain count: "1.2 TFLOP (1,200,000,000,000 FLOP)". */
export function flopsText(flops: number, sig = 2): string {
  const scales: [number, string][] = [
    [1e24, 'Y'],
    [1e21, 'Z'],
    [1e18, 'E'],
    [1e15, 'P'],
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  const rounded = Number(flops.toPrecision(sig));
  const hit = scales.find(([s]) => rounded >= s);
  return hit ? `${plainNumber(rounded / hit[0], sig)} ${hit[1]}FLOP (${plainNumber(rounded, sig)} FLOP)` : `${plainNumber(rounded, sig)} FLOP`;
}

/** A duration in the largest sensible unit: "42.1 s", "3.5 min", "2.1 h", "1.3 days". */
export function durationText(s: number): string {
  if (s < 120) return `${plainNumber(s, 3)} s`;
  if (s < 7200) return `${plainNumber(s / 60, 3)} min`;
  if (s < 2 * 86400) return `${plainNumber(s / 3600, 3)} h`;
  return `${plainNumber(s / 86400, 3)} days`;
}

export function percentText(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** The GPAI form's range for a number of days: "less than 1", "1 to 10", "10 to 100", … */
export function dayRange(days: number): string {
  if (days < 1) return 'less than 1 day';
  const lo = 10 ** Math.floor(Math.log10(days));
  return `${plainNumber(lo, 1)} to ${plainNumber(lo * 10, 1)} days`;
}
