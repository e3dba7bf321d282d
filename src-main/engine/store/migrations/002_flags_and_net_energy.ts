import type { Migration } from './index';

/** Self-check flags per window, and energy net of the idle baseline beside the gross figure. */
export const m002: Migration = {
  version: 2,
  name: 'flags-and-net-energy',
  sql: `
ALTER TABLE window_energy ADD COLUMN net_energy_j REAL;

CREATE TABLE window_flags (
  window_id INTEGER NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  domain TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('stale', 'reset', 'mismatch')),
  message TEXT NOT NULL
);
CREATE INDEX window_flags_by_window ON window_flags (window_id);
`,
};
