import type { Migration } from './index';

/** The machine that took an idle baseline: a report uses the baseline of the trial's own machine (a shared study's workers each take their own). */
export const m006: Migration = {
  version: 6,
  name: 'window host',
  sql: `
ALTER TABLE windows ADD COLUMN host TEXT;
`,
};
