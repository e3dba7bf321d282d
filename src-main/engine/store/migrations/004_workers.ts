import type { Migration } from './index';

/**
 * Several workers on one study: who runs each trial (host, pid), its heartbeat, the hardware
 * class it ran on, each class's inventory, and the host of the exclusive runner, so that a pid
 * is only checked for liveness on its own machine.
 */
export const m004: Migration = {
  version: 4,
  name: 'workers',
  sql: `
ALTER TABLE studies ADD COLUMN runner_host TEXT;
ALTER TABLE trials ADD COLUMN host TEXT;
ALTER TABLE trials ADD COLUMN worker_pid INTEGER;
ALTER TABLE trials ADD COLUMN heartbeat_ms INTEGER;
ALTER TABLE trials ADD COLUMN hardware_class TEXT;
CREATE INDEX trials_by_retry ON trials (retry_of);

CREATE TABLE hardware_classes (
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  class_id TEXT NOT NULL,
  inventory_json TEXT NOT NULL,
  PRIMARY KEY (study_id, class_id)
);
`,
};
