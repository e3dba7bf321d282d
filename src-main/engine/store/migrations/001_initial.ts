import type { Migration } from './index';

export const m001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE studies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  spec_json TEXT NOT NULL,
  model TEXT NOT NULL,
  sampler TEXT NOT NULL,
  dataset TEXT NOT NULL,
  backend TEXT,
  ecopt_version TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  runner_pid INTEGER,
  runner_heartbeat_ms INTEGER
);

CREATE TABLE study_objectives (
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  metric TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('minimize', 'maximize')),
  unit TEXT NOT NULL,
  threshold REAL,
  PRIMARY KEY (study_id, idx)
);

CREATE TABLE trials (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'complete', 'pruned', 'failed', 'interrupted')),
  retry_of INTEGER REFERENCES trials(id),
  backend TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  UNIQUE (study_id, number)
);
CREATE INDEX trials_by_study_state ON trials (study_id, state);

CREATE TABLE trial_params (
  trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value_json TEXT NOT NULL,
  PRIMARY KEY (trial_id, name)
);

CREATE TABLE trial_metrics (
  trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  unit TEXT NOT NULL,
  PRIMARY KEY (trial_id, name)
);

CREATE TABLE trial_attrs (
  trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value_json TEXT NOT NULL,
  PRIMARY KEY (trial_id, key)
);

CREATE TABLE trial_failures (
  trial_id INTEGER PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  detail TEXT
);

CREATE TABLE windows (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  trial_id INTEGER REFERENCES trials(id) ON DELETE CASCADE,
  phase TEXT NOT NULL CHECK (phase IN ('train', 'infer', 'evaluate', 'idle')),
  started_at_ms INTEGER NOT NULL,
  duration_s REAL NOT NULL CHECK (duration_s >= 0),
  samples INTEGER
);
CREATE INDEX windows_by_trial ON windows (trial_id);

CREATE TABLE window_energy (
  window_id INTEGER NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  domain TEXT NOT NULL,
  energy_j REAL NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('measured', 'estimated')),
  source TEXT NOT NULL,
  counter TEXT,
  model TEXT,
  inputs_json TEXT,
  resolution_j REAL,
  uncertainty_rel REAL,
  PRIMARY KEY (window_id, domain),
  CHECK ((method = 'measured' AND counter IS NOT NULL)
      OR (method = 'estimated' AND model IS NOT NULL AND uncertainty_rel IS NOT NULL))
);

CREATE TABLE power_samples (
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  trial_id INTEGER REFERENCES trials(id) ON DELETE CASCADE,
  t_ms INTEGER NOT NULL,
  domain TEXT NOT NULL,
  power_w REAL NOT NULL
);
CREATE INDEX power_samples_by_trial ON power_samples (trial_id, t_ms);

CREATE TABLE hardware (
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (study_id, key)
);

CREATE TABLE meters (
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  meter_id TEXT NOT NULL,
  domains_json TEXT NOT NULL,
  status TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (study_id, meter_id)
);
`,
};
