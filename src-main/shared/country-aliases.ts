/**
 * What people type for a country that is neither its ISO 3166 alpha-3 code nor its name in the
 * bundled table: the usual short names ("UK" is the United Kingdom, not Ukraine, which its first
 * letters suggested), and the two-letter forms people use for the UK and the US. Other two-letter
 * codes are not guessed ("fr" is answered with the suggestion France, FRA). Keys lower case;
 * values alpha-3 codes.
 */
export const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  uk: 'GBR',
  gb: 'GBR',
  'great britain': 'GBR',
  britain: 'GBR',
  england: 'GBR',
  scotland: 'GBR',
  wales: 'GBR',
  'northern ireland': 'GBR',
  us: 'USA',
  'u.s.': 'USA',
  'u.s.a.': 'USA',
  america: 'USA',
  'united states of america': 'USA',
  deutschland: 'DEU',
  holland: 'NLD',
  'the netherlands': 'NLD',
  'czech republic': 'CZE',
  korea: 'KOR',
  'republic of korea': 'KOR',
  'russian federation': 'RUS',
  uae: 'ARE',
};

/** The alpha-3 code an alias stands for, or null. */
export function countryAlias(text: string): string | null {
  return COUNTRY_ALIASES[text.trim().toLowerCase()] ?? null;
}
