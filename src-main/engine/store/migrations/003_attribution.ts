import type { Migration } from './index';

/**
 * The trial's own share of each window's energy beside the machine's, whether a figure can be
 * trusted, the CPU time the attribution used, and flag kinds checked in code (types.ts lists
 * them) rather than by a CHECK that every new self-check would need a table rebuild to pass.
 */
export const m003: Migration = {
  version: 3,
  name: 'attribution',
  sql: `
ALTER TABLE window_energy ADD COLUMN attributed_energy_j REAL;
ALTER TABLE window_energy ADD COLUMN unreliable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE windows ADD COLUMN cpu_tree_s REAL;
ALTER TABLE windows ADD COLUMN cpu_machine_busy_s REAL;
ALTER TABLE windows ADD COLUMN cpu_cores INTEGER;

CREATE TABLE window_flags_v3 (
  window_id INTEGER NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  domain TEXT NOT NULL,
  kind TEXT NOT NULL,
  message TEXT NOT NULL
);
INSERT INTO window_flags_v3 (rowid, window_id, domain, kind, message) SELECT rowid, window_id, domain, kind, message FROM window_flags;
DROP TABLE window_flags;
ALTER TABLE window_flags_v3 RENAME TO window_flags;
CREATE INDEX window_flags_by_window ON window_flags (window_id);
`,
};
