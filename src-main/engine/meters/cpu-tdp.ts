/**
 * CPU thermal design power from the bundled table (CodeCarbon's cpu_power.csv, MIT), matched
 * by a normalised model name. An unknown CPU gets DEFAULT_TDP_W, said so in the provenance.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourcesDir } from '../paths';

/** CodeCarbon's fallback for a CPU it cannot identify. */
export const DEFAULT_TDP_W = 85;

export interface TdpMatch {
  tdpW: number;
  /** The table row matched, or why the default was used. */
  source: string;
  matched: boolean;
}

export function normaliseCpuName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\((r|tm)\)|®|™/g, ' ')
    .replace(/@.*$/, ' ')
    .replace(/\bwith radeon.*$/, ' ')
    .replace(/\b\d+-core\b/g, ' ')
    .replace(/\b(cpu|processor|apu)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

let tableCache: Map<string, number> | null = null;

export function loadTdpTable(path = join(resourcesDir(), 'data', 'cpu-tdp-watts.csv')): Map<string, number> {
  if (tableCache && path === join(resourcesDir(), 'data', 'cpu-tdp-watts.csv')) return tableCache;
  const table = new Map<string, number>();
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).slice(1);
  for (const line of lines) {
    const comma = line.lastIndexOf(',');
    if (comma < 0) continue;
    const watts = Number(line.slice(comma + 1));
    if (!Number.isFinite(watts) || watts <= 0) continue;
    table.set(normaliseCpuName(line.slice(0, comma)), watts);
  }
  tableCache = table;
  return table;
}

/**
 * Exact match on the normalised name first; otherwise the longest table entry whose words all
 * appear in the model name and which includes a model number (so "AMD EPYC" alone matches
 * nothing rather than an arbitrary EPYC).
 */
export function lookupTdp(model: string, table = loadTdpTable()): TdpMatch {
  const key = normaliseCpuName(model);
  const exact = table.get(key);
  if (exact !== undefined) return { tdpW: exact, source: `cpu-tdp-watts.csv: "${key}"`, matched: true };
  const words = new Set(key.split(' '));
  let best: { name: string; tdpW: number; n: number } | null = null;
  for (const [name, tdpW] of table) {
    const parts = name.split(' ');
    if (!parts.some((p) => /\d/.test(p))) continue;
    if (parts.every((p) => words.has(p)) && (!best || parts.length > best.n)) best = { name, tdpW, n: parts.length };
  }
  if (best) return { tdpW: best.tdpW, source: `cpu-tdp-watts.csv: "${best.name}"`, matched: true };
  return {
    tdpW: DEFAULT_TDP_W,
    source: `default ${DEFAULT_TDP_W} W: CPU model "${model}" is not in the bundled table`,
    matched: false,
  };
}
