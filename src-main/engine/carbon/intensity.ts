/**
 * Grid carbon intensity by country (the bundled Our World in Data / Ember table) and PUE.
 * Location-based, annual-average, life-cycle factors; a user may give their own value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors';
import { resourcesDir } from '../paths';
import { countryAlias } from '../../shared/country-aliases';

export const WORLD_FALLBACK_G_PER_KWH = 475;
export const INTENSITY_SOURCE =
  'Ember (2024); Energy Institute Statistical Review of World Energy (2024) – processed by Our World in Data, as compiled in CodeCarbon global_energy_mix.json';
export const INTENSITY_LICENCE = 'CC BY 4.0 (data), MIT (compilation)';

export interface Intensity {
  iso3: string | null;
  country: string;
  intensityGPerKWh: number;
  year: number | null;
  source: string;
  licence: string;
  /** Location-based, annual-average, life-cycle: what the figure is. */
  basis: string;
  /** How it was chosen: the table, the user, or the world fallback. */
  origin: 'table' | 'user' | 'world-fallback';
}

interface Row {
  iso3: string;
  country: string;
  year: number;
  g: number;
}

let table: Map<string, Row> | null = null;

function load(): Map<string, Row> {
  if (table) return table;
  table = new Map();
  const lines = readFileSync(join(resourcesDir(), 'data', 'grid-carbon-intensity.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  for (const line of lines) {
    // iso3,country,year,g (country names may hold commas inside quotes)
    const m = /^([A-Z]{3}),("?)(.*)\2,(\d{4}),([\d.]+)$/.exec(line);
    if (!m) continue;
    table.set(m[1]!, { iso3: m[1]!, country: m[3]!, year: Number(m[4]), g: Number(m[5]) });
  }
  return table;
}

export function countryCodes(): string[] {
  return [...load().keys()];
}

/** The bundled countries, by name, for pickers: ISO 3166 alpha-3 code and name. */
export function countryList(): { iso3: string; name: string; year: number; intensityGPerKWh: number }[] {
  return [...load().values()].map((r) => ({ iso3: r.iso3, name: r.country, year: r.year, intensityGPerKWh: r.g })).sort((a, b) => a.name.localeCompare(b.name));
}

/** A country by its ISO 3166 alpha-3 code or its name in the table, any case; null when it is neither. */
export function findCountry(text: string): { iso3: string; country: string; year: number; g: number } | null {
  const key = text.trim().toLowerCase();
  if (!key) return null;
  const rows = [...load().values()];
  const alias = countryAlias(key);
  return rows.find((r) => r.iso3.toLowerCase() === key) ?? rows.find((r) => r.country.toLowerCase() === key) ?? (alias ? rows.find((r) => r.iso3 === alias) : undefined) ?? null;
}

const BASIS = 'location-based, annual average, life-cycle (gCO2e per kWh of electricity consumed)';

function unknownCountry(text: string): UserError {
  const key = text.trim().toLowerCase();
  const close = [...load().values()].filter((r) => key.length >= 2 && r.country.toLowerCase().startsWith(key)).slice(0, 3);
  return new UserError(
    `unknown country "${text}": give an ISO 3166 alpha-3 code such as FRA, DEU or USA, or a country's name as in the bundled table` +
      (close.length ? ` (did you mean ${close.map((r) => `${r.country}, ${r.iso3}`).join('; ')}?)` : '') +
      ' (resources/data/grid-carbon-intensity.csv), or give your own carbon intensity figure',
  );
}

/** The intensity to use: a user's value, a country's from the table, or the world fallback. */
export function resolveIntensity(options: { country?: string; intensityGPerKWh?: number }): Intensity {
  if (options.intensityGPerKWh !== undefined) {
    if (!(options.intensityGPerKWh >= 0) || !Number.isFinite(options.intensityGPerKWh)) {
      throw new UserError(`carbon intensity must be a number of gCO2e/kWh ≥ 0, got ${options.intensityGPerKWh}`);
    }
    const row = options.country ? findCountry(options.country) : null;
    if (options.country && !row) throw unknownCountry(options.country);
    return {
      iso3: row?.iso3 ?? null,
      country: row?.country ?? 'user-specified',
      intensityGPerKWh: options.intensityGPerKWh,
      year: null,
      source: 'given by the user',
      licence: '—',
      basis: BASIS,
      origin: 'user',
    };
  }
  if (options.country !== undefined && options.country.trim() !== '') {
    const row = findCountry(options.country);
    if (!row) throw unknownCountry(options.country);
    return { iso3: row.iso3, country: row.country, intensityGPerKWh: row.g, year: row.year, source: INTENSITY_SOURCE, licence: INTENSITY_LICENCE, basis: BASIS, origin: 'table' };
  }
  return {
    iso3: null,
    country: 'world average (no country given)',
    intensityGPerKWh: WORLD_FALLBACK_G_PER_KWH,
    year: 2019,
    source: 'world average fallback, IEA 2019 as used by CodeCarbon; choose the country of the electricity for a location-based figure',
    licence: '—',
    basis: BASIS,
    origin: 'world-fallback',
  };
}

export function checkPue(pue: number): number {
  if (!Number.isFinite(pue) || pue < 1) {
    throw new UserError(`PUE must be at least 1 (1.0 means no data-centre overhead; a typical office or home is 1.0, a data centre 1.1–1.6), got ${pue}`);
  }
  return pue;
}

export function checkWue(wue: number): number {
  if (!Number.isFinite(wue) || wue < 0) throw new UserError(`WUE must be a number of litres per kWh ≥ 0 (0 when the facility's water use is not known), got ${wue}`);
  return wue;
}
