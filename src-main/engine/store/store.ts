/**
 * The study database's one writer. Every state change is a transaction; a trial's results and
 * its move to `complete` land together or not at all.
 */
import { datasetLabel, type ObjectiveSpec, type StudySpec } from '../../shared/spec';
import {
  TRIAL_TRANSITIONS,
  type EnergyWindow,
  type MeterFlag,
  type MeterInfo,
  type Metrics,
  type Params,
  type StudySummary,
  type TrialRecord,
  type TrialState,
} from '../../shared/types';
import { hostname } from 'node:os';
import { UserError } from '../errors';
import { openDb, type Db, type OpenOptions } from './db';
import type { ProcessEnergy } from '../trials/energy';
import type { Remeasurement } from '../../shared/remeasure';
import { isAlive } from '../pid';
import {
  TRIAL_COLUMNS,
  WINDOW_COLUMNS,
  WINDOW_ENERGY_COLUMNS,
  metricRows,
  toStoredWindow,
  toStudyRow,
  toSummary,
  toTrials,
  windowEnergyValues,
  windowValues,
  type RawEnergy,
  type RawObjective,
  type RawStudy,
  type RawTrialRow,
  type RawWindow,
} from './records';
import { COUNTED_STATES, type PlacedTrial, type StudyExport, type TrialClaim, type WorkerId } from './storage';

export const ECOPT_VERSION = '0.1.0';

export interface StudyRow {
  id: number;
  name: string;
  spec: StudySpec;
  objectives: ObjectiveSpec[];
  backend: string | null;
  createdAt: string;
}

export interface StoredWindow extends EnergyWindow {
  id: number;
  trialId: number | null;
  samples: number | null;
}

export interface TrialResult {
  metrics: Metrics;
  windows: (EnergyWindow & { samples?: number })[];
  attrs: Record<string, unknown>;
  backend: string;
  powerSamples: { tMs: number; domain: string; powerW: number }[];
  /**
   * The trial's process from its start to its exit, measured beside the phases (start-up, imports,
   * saving the model included): summarised into `attrs.process_energy` by finalizeEnergy, not
   * stored as a window.
   */
  processWindow?: EnergyWindow;
}

const now = (): string => new Date().toISOString();

export class Store {
  readonly db: Db;

  constructor(
    readonly path: string,
    options: OpenOptions = {},
  ) {
    this.db = openDb(path, options);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- studies -------------------------------------------------------------------------------

  createStudy(spec: StudySpec): StudyRow {
    const ts = now();
    const id = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO studies (name, spec_json, model, sampler, dataset, ecopt_version, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(spec.name, JSON.stringify(spec), spec.model, spec.sampler.name, datasetLabel(spec), ECOPT_VERSION, ts, ts);
      const studyId = Number(info.lastInsertRowid);
      const insert = this.db.prepare(
        'INSERT INTO study_objectives (study_id, idx, metric, direction, unit, threshold) VALUES (?, ?, ?, ?, ?, ?)',
      );
      spec.objectives.forEach((o, i) => insert.run(studyId, i, o.metric, o.direction, o.unit, o.threshold ?? null));
      return studyId;
    })();
    return this.getStudy(id)!;
  }

  getStudy(id: number): StudyRow | null {
    const row = this.db.prepare('SELECT * FROM studies WHERE id = ?').get(id) as RawStudy | undefined;
    return row ? this.toStudy(row) : null;
  }

  findStudy(name: string): StudyRow | null {
    const row = this.db.prepare('SELECT * FROM studies WHERE name = ?').get(name) as RawStudy | undefined;
    return row ? this.toStudy(row) : null;
  }

  /** By name, or by numeric id when the argument is all digits and no study has that name. */
  requireStudy(nameOrId: string): StudyRow {
    const study = this.findStudy(nameOrId) ?? (/^\d+$/.test(nameOrId) ? this.getStudy(Number(nameOrId)) : null);
    if (!study) {
      const names = this.listStudies().map((s) => s.name);
      throw new UserError(
        `no study "${nameOrId}" in ${this.path}` +
          (names.length ? `; studies here: ${names.join(', ')}` : '; this file has no studies yet'),
      );
    }
    return study;
  }

  private toStudy(row: RawStudy): StudyRow {
    const objectives = this.db
      .prepare('SELECT metric, direction, unit, threshold FROM study_objectives WHERE study_id = ? ORDER BY idx')
      .all(row.id) as RawObjective[];
    return toStudyRow(row, objectives);
  }

  listStudies(): StudySummary[] {
    const rows = this.db.prepare('SELECT * FROM studies ORDER BY id').all() as RawStudy[];
    return rows.map((r) => this.toSummary(r));
  }

  /** One study's summary, without summarising every other study in the file. */
  getStudySummary(id: number): StudySummary | null {
    const row = this.db.prepare('SELECT * FROM studies WHERE id = ?').get(id) as RawStudy | undefined;
    return row ? this.toSummary(row) : null;
  }

  private toSummary(r: RawStudy): StudySummary {
    const counts = this.db.prepare('SELECT state, count(*) AS n FROM trials WHERE study_id = ? GROUP BY state').all(r.id) as { state: TrialState; n: number }[];
    return toSummary(r, counts);
  }

  /** A resumed study's new trial or time budget (the only part of a spec that may change). */
  setStudyBudget(studyId: number, trials: number, timeBudgetS: number | undefined): void {
    const study = this.getStudy(studyId);
    if (!study) throw new Error(`study ${studyId} does not exist`);
    this.db.prepare('UPDATE studies SET spec_json = ?, updated_at = ? WHERE id = ?').run(JSON.stringify({ ...study.spec, trials, timeBudgetS }), now(), studyId);
  }

  setStudyBackend(studyId: number, backend: string): void {
    const row = this.db.prepare('SELECT backend FROM studies WHERE id = ?').get(studyId) as { backend: string | null };
    if (row.backend === backend) return;
    // A study whose trials ran on different backends says so rather than keeping the first.
    const value = row.backend && !row.backend.split('+').includes(backend) ? `${row.backend}+${backend}` : backend;
    this.db.prepare('UPDATE studies SET backend = ?, updated_at = ? WHERE id = ?').run(value, now(), studyId);
  }

  setHardware(studyId: number, entries: Record<string, string>): void {
    const put = this.db.prepare('INSERT OR REPLACE INTO hardware (study_id, key, value) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(entries)) put.run(studyId, k, v);
    })();
  }

  getHardware(studyId: number): Record<string, string> {
    const rows = this.db.prepare('SELECT key, value FROM hardware WHERE study_id = ? ORDER BY key').all(studyId) as {
      key: string;
      value: string;
    }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  setMeters(studyId: number, meters: MeterInfo[]): void {
    const put = this.db.prepare(
      'INSERT OR REPLACE INTO meters (study_id, meter_id, domains_json, status, detail) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const m of meters) put.run(studyId, m.id, JSON.stringify(m.domains), m.status, m.detail);
    })();
  }

  getMeters(studyId: number): MeterInfo[] {
    const rows = this.db.prepare('SELECT * FROM meters WHERE study_id = ? ORDER BY meter_id').all(studyId) as {
      meter_id: string;
      domains_json: string;
      status: string;
      detail: string;
    }[];
    return rows.map((r) => ({ id: r.meter_id, domains: JSON.parse(r.domains_json) as string[], status: r.status, detail: r.detail }));
  }

  putHardwareClass(studyId: number, classId: string, inventory: Record<string, string>): void {
    this.db
      .prepare('INSERT OR REPLACE INTO hardware_classes (study_id, class_id, inventory_json) VALUES (?, ?, ?)')
      .run(studyId, classId, JSON.stringify(inventory));
  }

  getHardwareClasses(studyId: number): { classId: string; inventory: Record<string, string> }[] {
    const rows = this.db.prepare('SELECT class_id, inventory_json FROM hardware_classes WHERE study_id = ? ORDER BY class_id').all(studyId) as {
      class_id: string;
      inventory_json: string;
    }[];
    return rows.map((r) => ({ classId: r.class_id, inventory: JSON.parse(r.inventory_json) as Record<string, string> }));
  }

  // ---- the runner lock: one process runs a study at a time ---------------------------------

  /**
   * Claims the study for this process. Refuses while another holder's heartbeat is fresh and,
   * when that holder is on this host, its pid is alive (a holder that died is taken over at
   * once; one on another machine only when its heartbeat goes stale), and while workers hold
   * running trials with fresh heartbeats. A bare pid means this host.
   */
  acquireRunner(studyId: number, owner: number | WorkerId, staleAfterMs = 30_000): void {
    const self = workerOf(owner);
    this.db.transaction(() => {
      const holder = this.runnerHeld(studyId, self, staleAfterMs);
      if (holder) {
        throw new UserError(
          holder.host === self.host
            ? `this study is being run by another ECOpt process (pid ${holder.pid}); wait for it to finish or stop it first`
            : `this study is being run by another ECOpt process (pid ${holder.pid} on ${holder.host}); wait for it to finish or stop it first`,
        );
      }
      const t = Date.now();
      const busy = this.db
        .prepare("SELECT count(*) AS n FROM trials WHERE study_id = ? AND state = 'running' AND heartbeat_ms IS NOT NULL AND heartbeat_ms > ? AND NOT (host = ? AND worker_pid = ?)")
        .get(studyId, t - staleAfterMs, self.host, self.pid) as { n: number };
      if (busy.n > 0) {
        throw new UserError(
          `workers are running ${busy.n} trial(s) of this study right now; add another worker with \`ecopt worker\` instead, or wait for them to finish`,
        );
      }
      this.db.prepare('UPDATE studies SET runner_pid = ?, runner_host = ?, runner_heartbeat_ms = ? WHERE id = ?').run(self.pid, self.host, t, studyId);
    }).immediate();
  }

  /** The exclusive runner other than `self` holding the study, if its hold is still good. */
  runnerHeld(studyId: number, self: WorkerId, staleAfterMs = 30_000): WorkerId | null {
    const row = this.db.prepare('SELECT runner_pid, runner_host, runner_heartbeat_ms FROM studies WHERE id = ?').get(studyId) as
      | { runner_pid: number | null; runner_host: string | null; runner_heartbeat_ms: number | null }
      | undefined;
    if (!row || !row.runner_pid) return null;
    // a holder written before hosts were recorded ran on this machine: files were not shared then
    const holder = { host: row.runner_host ?? self.host, pid: row.runner_pid };
    return holderIsLive(holder, row.runner_heartbeat_ms, self, staleAfterMs, Date.now()) ? holder : null;
  }

  heartbeat(studyId: number, owner: number | WorkerId): void {
    const self = workerOf(owner);
    this.db
      .prepare('UPDATE studies SET runner_heartbeat_ms = ? WHERE id = ? AND runner_pid = ? AND coalesce(runner_host, ?) = ?')
      .run(Date.now(), studyId, self.pid, self.host, self.host);
  }

  releaseRunner(studyId: number, owner: number | WorkerId): void {
    const self = workerOf(owner);
    this.db
      .prepare('UPDATE studies SET runner_pid = NULL, runner_host = NULL, runner_heartbeat_ms = NULL WHERE id = ? AND runner_pid = ? AND coalesce(runner_host, ?) = ?')
      .run(studyId, self.pid, self.host, self.host);
  }

  // ---- trials --------------------------------------------------------------------------------

  createTrial(studyId: number, params: Params, retryOf: number | null = null): TrialRecord {
    const id = this.db.transaction(() => {
      const next = (this.db.prepare('SELECT coalesce(max(number), -1) + 1 AS n FROM trials WHERE study_id = ?').get(studyId) as { n: number }).n;
      const info = this.db
        .prepare('INSERT INTO trials (study_id, number, state, retry_of, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(studyId, next, 'queued', retryOf, now());
      const trialId = Number(info.lastInsertRowid);
      const put = this.db.prepare('INSERT INTO trial_params (trial_id, name, value_json) VALUES (?, ?, ?)');
      for (const [k, v] of Object.entries(params)) put.run(trialId, k, JSON.stringify(v));
      this.touch(studyId);
      return trialId;
    }).immediate();
    return this.getTrial(id)!;
  }

  /**
   * Creates a worker's trial already running, if the budget has room and a re-run's original
   * has no re-run yet (see Storage.claimTrial); one IMMEDIATE transaction, so claims from
   * several processes on the file are serialised.
   */
  claimTrial(studyId: number, claim: TrialClaim): PlacedTrial | null {
    const id = this.db.transaction(() => {
      const counted = this.db
        .prepare(`SELECT count(*) AS n FROM trials WHERE study_id = ? AND state IN (${[...COUNTED_STATES, 'running'].map(() => '?').join(', ')})`)
        .get(studyId, ...COUNTED_STATES, 'running') as { n: number };
      if (counted.n >= claim.budget) return null;
      if (claim.retryOf !== null && this.db.prepare('SELECT 1 FROM trials WHERE retry_of = ?').get(claim.retryOf)) return null;
      if (claim.proposals !== undefined) {
        const fresh = this.db.prepare('SELECT count(*) AS n FROM trials WHERE study_id = ? AND retry_of IS NULL').get(studyId) as { n: number };
        if (fresh.n !== claim.proposals) return null;
      }
      const next = (this.db.prepare('SELECT coalesce(max(number), -1) + 1 AS n FROM trials WHERE study_id = ?').get(studyId) as { n: number }).n;
      const ts = now();
      const info = this.db
        .prepare(
          `INSERT INTO trials (study_id, number, state, retry_of, created_at, started_at, host, worker_pid, heartbeat_ms, hardware_class)
           VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(studyId, next, claim.retryOf, ts, ts, claim.worker.host, claim.worker.pid, Date.now(), claim.hardwareClass);
      const trialId = Number(info.lastInsertRowid);
      const put = this.db.prepare('INSERT INTO trial_params (trial_id, name, value_json) VALUES (?, ?, ?)');
      for (const [k, v] of Object.entries(claim.params)) put.run(trialId, k, JSON.stringify(v));
      this.touch(studyId);
      return trialId;
    }).immediate();
    return id === null ? null : this.getPlacedTrial(id);
  }

  /** Refreshes the heartbeat of the running trials this worker holds. */
  heartbeatTrials(trialIds: readonly number[], worker: WorkerId): void {
    if (trialIds.length === 0) return;
    this.db
      .prepare(`UPDATE trials SET heartbeat_ms = ? WHERE id IN (${trialIds.map(() => '?').join(', ')}) AND host = ? AND worker_pid = ? AND state = 'running'`)
      .run(Date.now(), ...trialIds, worker.host, worker.pid);
  }

  /**
   * Marks interrupted every trial left running or queued whose heartbeat is older than
   * `staleAfterMs`, whose worker is on this host and dead, or which has no heartbeat at all.
   */
  recoverStale(studyId: number, self: WorkerId, staleAfterMs: number): TrialRecord[] {
    const ids = this.db.transaction(() => {
      const rows = this.db
        .prepare("SELECT id, host, worker_pid, heartbeat_ms FROM trials WHERE study_id = ? AND state IN ('running', 'queued') ORDER BY number")
        .all(studyId) as { id: number; host: string | null; worker_pid: number | null; heartbeat_ms: number | null }[];
      const t = Date.now();
      // an exclusive runner (`ecopt tune`) heartbeats the study, not its trials
      const runner = this.runnerHeld(studyId, self, staleAfterMs);
      const stale = rows.filter((r) => !(runner && r.heartbeat_ms === null) && !trialIsLive(r, self, staleAfterMs, t));
      for (const { id } of stale) this.interruptTrial(id, STALE_MESSAGE);
      return stale.map((r) => r.id);
    }).immediate();
    return ids.map((id) => this.getTrial(id)!);
  }

  /** Moves a trial along its state machine; refuses a move the machine does not allow. */
  private transition(trialId: number, to: TrialState): void {
    const row = this.db.prepare('SELECT state, study_id FROM trials WHERE id = ?').get(trialId) as
      | { state: TrialState; study_id: number }
      | undefined;
    if (!row) throw new Error(`trial ${trialId} does not exist`);
    if (!TRIAL_TRANSITIONS[row.state].includes(to)) {
      throw new Error(`trial ${trialId} cannot go from ${row.state} to ${to}`);
    }
    const ts = now();
    if (to === 'running') {
      this.db.prepare('UPDATE trials SET state = ?, started_at = ? WHERE id = ?').run(to, ts, trialId);
    } else {
      this.db.prepare('UPDATE trials SET state = ?, finished_at = ? WHERE id = ?').run(to, ts, trialId);
    }
    this.touch(row.study_id);
  }

  startTrial(trialId: number): void {
    this.db.transaction(() => this.transition(trialId, 'running')).immediate();
  }

  /** Stores everything a finished trial produced and marks it complete, atomically. */
  completeTrial(trialId: number, result: TrialResult, state: 'complete' | 'pruned' = 'complete'): void {
    this.db.transaction(() => {
      const studyId = (this.db.prepare('SELECT study_id FROM trials WHERE id = ?').get(trialId) as { study_id: number }).study_id;
      this.writeResult(studyId, trialId, result);
      this.db.prepare('UPDATE trials SET backend = ? WHERE id = ?').run(result.backend, trialId);
      this.setStudyBackend(studyId, result.backend);
      this.transition(trialId, state);
    }).immediate();
  }

  /** Marks a trial failed with its reason; whatever it measured before failing is kept. */
  failTrial(trialId: number, kind: string, message: string, partial?: Partial<TrialResult>, detail?: string): void {
    this.stopTrial(trialId, 'failed', kind, message, partial, detail);
  }

  /** Marks a trial pruned, keeping what it measured before it was stopped and why. */
  pruneTrial(trialId: number, reason: string, partial: Partial<TrialResult>): void {
    this.stopTrial(trialId, 'pruned', 'pruned', reason, partial);
  }

  private stopTrial(trialId: number, state: 'failed' | 'pruned' | 'interrupted', kind: string, message: string, partial?: Partial<TrialResult>, detail?: string): void {
    this.db.transaction(() => {
      const studyId = (this.db.prepare('SELECT study_id FROM trials WHERE id = ?').get(trialId) as { study_id: number }).study_id;
      if (partial) this.writeResult(studyId, trialId, { metrics: {}, windows: [], attrs: {}, powerSamples: [], backend: '', ...partial });
      if (partial?.backend) this.db.prepare('UPDATE trials SET backend = ? WHERE id = ?').run(partial.backend, trialId);
      this.db
        .prepare('INSERT OR REPLACE INTO trial_failures (trial_id, kind, message, detail) VALUES (?, ?, ?, ?)')
        .run(trialId, kind, message, detail ?? null);
      this.transition(trialId, state);
    }).immediate();
  }

  /** Marks a trial interrupted (it runs again on resume), keeping what it measured before it stopped where that is known. */
  interruptTrial(trialId: number, message: string, partial?: Partial<TrialResult>): void {
    this.stopTrial(trialId, 'interrupted', 'interrupted', message, partial);
  }

  /** Records one attribute of a trial while it runs (e.g. its process group, for recovery). */
  setTrialAttr(trialId: number, key: string, value: unknown): void {
    this.db.prepare('INSERT OR REPLACE INTO trial_attrs (trial_id, key, value_json) VALUES (?, ?, ?)').run(trialId, key, JSON.stringify(value));
  }

  /**
   * After a crash, trials left `running` or `queued` by a process that is gone are marked
   * `interrupted`; returns them so the study can run them again.
   */
  recoverInterrupted(studyId: number): TrialRecord[] {
    const ids = this.db.transaction(() => {
      const rows = this.db
        .prepare("SELECT id FROM trials WHERE study_id = ? AND state IN ('running', 'queued') ORDER BY number")
        .all(studyId) as { id: number }[];
      for (const { id } of rows) this.interruptTrial(id, 'the process running this trial stopped before it finished');
      return rows.map((r) => r.id);
    }).immediate();
    return ids.map((id) => this.getTrial(id)!);
  }

  /** Interrupted trials that have not been re-run yet, oldest first. */
  pendingRetries(studyId: number): TrialRecord[] {
    const rows = this.db
      .prepare(
        `SELECT t.id FROM trials t WHERE t.study_id = ? AND t.state = 'interrupted'
           AND NOT EXISTS (SELECT 1 FROM trials r WHERE r.retry_of = t.id)
         ORDER BY t.number`,
      )
      .all(studyId) as { id: number }[];
    return rows.map((r) => this.getTrial(r.id)!);
  }

  private writeResult(studyId: number, trialId: number, result: TrialResult): void {
    const metric = this.db.prepare('INSERT OR REPLACE INTO trial_metrics (trial_id, name, value, unit) VALUES (?, ?, ?, ?)');
    for (const row of metricRows(result.metrics)) metric.run(trialId, ...row);
    const attr = this.db.prepare('INSERT OR REPLACE INTO trial_attrs (trial_id, key, value_json) VALUES (?, ?, ?)');
    for (const [k, v] of Object.entries(result.attrs)) attr.run(trialId, k, JSON.stringify(v));
    for (const w of result.windows) this.insertWindow(studyId, trialId, w);
    const sample = this.db.prepare('INSERT INTO power_samples (study_id, trial_id, t_ms, domain, power_w) VALUES (?, ?, ?, ?, ?)');
    for (const s of result.powerSamples) sample.run(studyId, trialId, s.tMs, s.domain, s.powerW);
  }

  insertWindow(studyId: number, trialId: number | null, w: EnergyWindow & { samples?: number }): number {
    const energy = w.domains.map(windowEnergyValues);
    const info = this.db
      .prepare(`INSERT INTO windows (study_id, trial_id, ${WINDOW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(studyId, trialId, ...windowValues(w));
    const windowId = Number(info.lastInsertRowid);
    const put = this.db.prepare(`INSERT INTO window_energy (window_id, ${WINDOW_ENERGY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const values of energy) put.run(windowId, ...values);
    const flag = this.db.prepare('INSERT INTO window_flags (window_id, domain, kind, message) VALUES (?, ?, ?, ?)');
    for (const f of w.flags ?? []) flag.run(windowId, f.domain, f.kind, f.message);
    return windowId;
  }

  /** Per trial number, the distinct self-check kinds on any of its windows. */
  flagKindsByTrial(studyId: number): { trial: number; kinds: string[] }[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT t.number AS trial, f.kind AS kind FROM window_flags f
           JOIN windows w ON w.id = f.window_id JOIN trials t ON t.id = w.trial_id
         WHERE w.study_id = ? ORDER BY t.number, f.kind`,
      )
      .all(studyId) as { trial: number; kind: string }[];
    const out = new Map<number, string[]>();
    for (const r of rows) out.set(r.trial, [...(out.get(r.trial) ?? []), r.kind]);
    return [...out].map(([trial, kinds]) => ({ trial, kinds }));
  }

  /** The trials that were re-measured (`ecopt remeasure`): each one's figures per prediction beside its own first one. */
  remeasuredByTrial(studyId: number): { trial: number; originalJ: number | null; againJ: number[] }[] {
    const rows = this.db
      .prepare(
        `SELECT t.number AS trial, a.value_json AS json, m.value AS original FROM trial_attrs a
           JOIN trials t ON t.id = a.trial_id
           LEFT JOIN trial_metrics m ON m.trial_id = t.id AND m.name = 'infer_energy_j_per_sample'
         WHERE t.study_id = ? AND a.key = 'remeasured' ORDER BY t.number`,
      )
      .all(studyId) as { trial: number; json: string; original: number | null }[];
    return rows.map((r) => ({ trial: r.trial, originalJ: r.original, againJ: (JSON.parse(r.json) as { jPerSample: number }[]).map((x) => x.jPerSample) }));
  }

  /** One trial, its four reads in one transaction (a consistent snapshot, as getTrials). */
  getTrial(id: number): TrialRecord | null {
    return this.readTrial(id, false);
  }

  /** getTrial with where the trial ran (host, hardware class, heartbeat). */
  getPlacedTrial(id: number): PlacedTrial | null {
    return this.readTrial(id, true) as PlacedTrial | null;
  }

  private readTrial(id: number, placed: boolean): TrialRecord | null {
    const read = this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE id = ?`).raw().all(id) as RawTrialRow[];
      if (rows.length === 0) return null;
      const one = (sql: string) => this.db.prepare(sql).raw().all(id) as never[];
      return toTrials(
        rows,
        one('SELECT trial_id, name, value_json FROM trial_params WHERE trial_id = ? ORDER BY name'),
        one('SELECT trial_id, name, value FROM trial_metrics WHERE trial_id = ? ORDER BY name'),
        one('SELECT trial_id, kind, message FROM trial_failures WHERE trial_id = ?'),
        placed,
      )[0]!;
    });
    return read.deferred();
  }

  /** One trial of a study by its number (what `getTrials(…).find` would give, without reading the others). */
  getTrialByNumber(studyId: number, number: number): TrialRecord | null {
    const row = this.db.prepare('SELECT id FROM trials WHERE study_id = ? AND number = ?').get(studyId, number) as { id: number } | undefined;
    return row ? this.getTrial(row.id) : null;
  }

  getPlacedTrialByNumber(studyId: number, number: number): PlacedTrial | null {
    const row = this.db.prepare('SELECT id FROM trials WHERE study_id = ? AND number = ?').get(studyId, number) as { id: number } | undefined;
    return row ? this.getPlacedTrial(row.id) : null;
  }

  /**
   * Every trial of a study in number order: four queries whatever the study's size (one per
   * table, not one per trial; rows as arrays, half the cost of objects at 10,000 trials), read in
   * one transaction so a writer in another process cannot show a trial without its values.
   */
  getTrials(studyId: number, states?: readonly TrialState[]): TrialRecord[] {
    return this.readTrials(studyId, states, false);
  }

  /** getTrials with where each trial ran (host, hardware class, heartbeat). */
  getPlacedTrials(studyId: number, states?: readonly TrialState[]): PlacedTrial[] {
    return this.readTrials(studyId, states, true) as PlacedTrial[];
  }

  private readTrials(studyId: number, states: readonly TrialState[] | undefined, placed: boolean): TrialRecord[] {
    const read = this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? ORDER BY number`).raw().all(studyId) as RawTrialRow[];
      if (rows.length === 0) return [];
      const all = (sql: string) => this.db.prepare(sql).raw().all(studyId) as never[];
      return toTrials(
        rows,
        all('SELECT p.trial_id, p.name, p.value_json FROM trial_params p JOIN trials t ON t.id = p.trial_id WHERE t.study_id = ? ORDER BY p.trial_id, p.name'),
        all('SELECT m.trial_id, m.name, m.value FROM trial_metrics m JOIN trials t ON t.id = m.trial_id WHERE t.study_id = ? ORDER BY m.trial_id, m.name'),
        all('SELECT f.trial_id, f.kind, f.message FROM trial_failures f JOIN trials t ON t.id = f.trial_id WHERE t.study_id = ?'),
        placed,
      );
    });
    const list = read.deferred();
    return states ? list.filter((t) => states.includes(t.state)) : list;
  }

  getTrialAttrs(trialId: number): Record<string, unknown> {
    const rows = this.db.prepare('SELECT key, value_json FROM trial_attrs WHERE trial_id = ?').all(trialId) as {
      key: string;
      value_json: string;
    }[];
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value_json)]));
  }

  /** The most recent idle baseline of a study, if one was measured. */
  latestIdle(studyId: number): StoredWindow | null {
    return this.getWindows({ studyId, phase: 'idle' }).at(-1) ?? null;
  }

  /**
   * The idle baseline a trial's windows were measured against: the last one stored before its
   * first window (a run measures its baseline, then its trials; a later resume's baseline is not
   * this trial's). Idle windows record no host: in a study run by workers on several machines it
   * is the last stored by any of them.
   */
  /**
   * The idle baseline taken last before window `windowId`: on `host` where given (a shared study's
   * workers each take their own, and another machine's idle power says nothing of this one's); a
   * baseline stored before hosts were recorded could be any machine's and still counts.
   */
  idleBefore(studyId: number, windowId: number, host?: string | null): StoredWindow | null {
    return this.getWindows({ studyId, phase: 'idle' }).filter((w) => w.id < windowId && (!host || w.host === undefined || w.host === host)).at(-1) ?? null;
  }

  /**
   * Every measurement window of a study, for the energy of its whole campaign: each trial's
   * windows whatever the trial's state (complete, pruned, failed, interrupted), with the trial's
   * number and state, and every idle baseline (trial null), in the order they were stored.
   */
  campaignWindows(studyId: number): { trial: { number: number; state: TrialState } | null; window: StoredWindow }[] {
    const out: { trial: { number: number; state: TrialState } | null; window: StoredWindow }[] = [];
    const trials = this.db.prepare('SELECT id, number, state FROM trials WHERE study_id = ? ORDER BY number').all(studyId) as { id: number; number: number; state: TrialState }[];
    for (const t of trials) for (const window of this.getWindows({ trialId: t.id })) out.push({ trial: { number: t.number, state: t.state }, window });
    for (const window of this.getWindows({ studyId, phase: 'idle' })) out.push({ trial: null, window });
    return out.sort((a, b) => a.window.id - b.window.id);
  }

  /** Each trial's whole process as measured beside its phases (attrs.process_energy; trials measured before it have none), by trial number. */
  processEnergies(studyId: number): Map<number, ProcessEnergy> {
    return this.attrByTrial<ProcessEnergy>(studyId, 'process_energy');
  }

  /** Each re-measured trial's re-measurements (attrs.remeasured), by trial number. */
  remeasurements(studyId: number): Map<number, Remeasurement[]> {
    return this.attrByTrial<Remeasurement[]>(studyId, 'remeasured');
  }

  /** Each re-measured trial's mean inference energy per prediction since (J), by trial number: what the budget pick's comparisons are checked against. */
  remeasuredMeans(studyId: number): Map<number, number> {
    return new Map([...this.remeasurements(studyId)].filter(([, rs]) => rs.length > 0).map(([n, rs]) => [n, rs.reduce((a, r) => a + r.jPerSample, 0) / rs.length]));
  }

  /** Each trial's inference spread between blocks of repeats (relative), where measured, by trial number. */
  inferSpreads(studyId: number): Map<number, number> {
    const all = this.attrByTrial<Record<string, number>>(studyId, 'energy_spread_rel');
    return new Map([...all].flatMap(([n, s]) => (typeof s?.infer_energy_j_per_sample === 'number' ? [[n, s.infer_energy_j_per_sample] as [number, number]] : [])));
  }

  /** What always answering the most frequent class scores on each trial's validation examples (attrs.guess_accuracy), where recorded, by trial number. */
  validationGuesses(studyId: number): Map<number, number> {
    const all = this.attrByTrial<Record<string, unknown>>(studyId, 'guess_accuracy');
    return new Map([...all].flatMap(([n, g]) => (typeof g?.validation === 'number' ? [[n, g.validation] as [number, number]] : [])));
  }

  /**
   * The trials measured while other programs kept more than `share` of the CPUs busy, with the
   * largest such share in a training or inference window of 100 ms or more (the machine's busy
   * time less the trial's own, over the window's capacity), in one query; and the latest idle
   * baseline's under-load warning, where it was taken under load. What `show` says, for the app.
   */
  otherLoad(studyId: number, share: number): { trials: { trial: number; others: number }[]; baselineUnderLoad: string | null } {
    const rows = this.db
      .prepare(
        `SELECT t.number AS trial, MAX(MAX(0, MIN(w.cpu_machine_busy_s, w.cpu_cores * w.duration_s) - w.cpu_tree_s) / (w.cpu_cores * w.duration_s)) AS others
         FROM windows w JOIN trials t ON t.id = w.trial_id
         WHERE w.study_id = ? AND w.phase IN ('train', 'infer') AND w.cpu_tree_s IS NOT NULL AND w.cpu_machine_busy_s IS NOT NULL AND w.duration_s >= 0.1 AND w.cpu_cores > 0
         GROUP BY t.number HAVING others > ? ORDER BY t.number`,
      )
      .all(studyId, share) as { trial: number; others: number }[];
    const idle = this.db.prepare("SELECT id FROM windows WHERE study_id = ? AND phase = 'idle' ORDER BY id DESC LIMIT 1").get(studyId) as { id: number } | undefined;
    const flag = idle ? (this.db.prepare("SELECT message FROM window_flags WHERE window_id = ? AND kind = 'baseline-under-load' LIMIT 1").get(idle.id) as { message: string } | undefined) : undefined;
    return { trials: rows, baselineUnderLoad: flag?.message ?? null };
  }

  /** One attribute of every trial of a study that has it, parsed, by trial number. */
  private attrByTrial<T>(studyId: number, key: string): Map<number, T> {
    const rows = this.db
      .prepare('SELECT t.number AS number, a.value_json AS json FROM trial_attrs a JOIN trials t ON t.id = a.trial_id WHERE t.study_id = ? AND a.key = ?')
      .all(studyId, key) as { number: number; json: string }[];
    return new Map(rows.map((r) => [r.number, JSON.parse(r.json) as T]));
  }

  getWindows(filter: { trialId: number } | { studyId: number; phase: 'idle' }): StoredWindow[] {
    const rows = (
      'trialId' in filter
        ? this.db.prepare('SELECT * FROM windows WHERE trial_id = ? ORDER BY id').all(filter.trialId)
        : this.db.prepare("SELECT * FROM windows WHERE study_id = ? AND phase = 'idle' ORDER BY id").all(filter.studyId)
    ) as RawWindow[];
    const energy = this.db.prepare('SELECT * FROM window_energy WHERE window_id = ? ORDER BY domain');
    const flags = this.db.prepare('SELECT domain, kind, message FROM window_flags WHERE window_id = ? ORDER BY rowid');
    return rows.map((w) => toStoredWindow(w, energy.all(w.id) as RawEnergy[], flags.all(w.id) as MeterFlag[]));
  }

  getPowerSamples(trialId: number): { tMs: number; domain: string; powerW: number }[] {
    return (
      this.db.prepare('SELECT t_ms, domain, power_w FROM power_samples WHERE trial_id = ? ORDER BY t_ms, rowid').all(trialId) as {
        t_ms: number;
        domain: string;
        power_w: number;
      }[]
    ).map((r) => ({ tMs: r.t_ms, domain: r.domain, powerW: r.power_w }));
  }

  // ---- whole studies between storages (`ecopt copy`) -------------------------------------------

  exportStudy(studyId: number): StudyExport {
    const read = this.db.transaction((): StudyExport => {
      const study = this.getStudy(studyId);
      if (!study) throw new Error(`study ${studyId} does not exist`);
      const raw = this.db
        .prepare('SELECT id, number, retry_of, worker_pid FROM trials WHERE study_id = ? ORDER BY number')
        .all(studyId) as { id: number; number: number; retry_of: number | null; worker_pid: number | null }[];
      const numberOf = new Map(raw.map((r) => [r.id, r.number]));
      const details = new Map(
        (this.db.prepare('SELECT f.trial_id, f.detail FROM trial_failures f JOIN trials t ON t.id = f.trial_id WHERE t.study_id = ?').all(studyId) as {
          trial_id: number;
          detail: string | null;
        }[]).map((r) => [r.trial_id, r.detail]),
      );
      const pids = new Map(raw.map((r) => [r.id, r.worker_pid]));
      const trials = this.getPlacedTrials(studyId).map((t) => ({
        number: t.number,
        state: t.state,
        retryOf: t.retryOf === null ? null : (numberOf.get(t.retryOf) ?? null),
        params: t.params,
        metrics: t.metrics,
        backend: t.backend,
        createdAt: t.createdAt,
        startedAt: t.startedAt,
        finishedAt: t.finishedAt,
        failure: t.failure ? { ...t.failure, detail: details.get(t.id) ?? null } : null,
        attrs: this.getTrialAttrs(t.id),
        host: t.host,
        workerPid: pids.get(t.id) ?? null,
        heartbeatMs: t.heartbeatMs,
        hardwareClass: t.hardwareClass,
        powerSamples: this.getPowerSamples(t.id),
      }));
      const windows = this.campaignWindows(studyId).map(({ trial, window }) => ({ trial: trial?.number ?? null, window: exportedWindow(window) }));
      return {
        spec: study.spec,
        backend: study.backend,
        createdAt: study.createdAt,
        updatedAt: (this.db.prepare('SELECT updated_at FROM studies WHERE id = ?').get(studyId) as { updated_at: string }).updated_at,
        hardware: this.getHardware(studyId),
        meters: this.getMeters(studyId),
        hardwareClasses: this.getHardwareClasses(studyId),
        trials,
        windows,
      };
    });
    return read.deferred();
  }

  importStudy(data: StudyExport): StudyRow {
    const id = this.db.transaction(() => {
      if (this.findStudy(data.spec.name)) {
        throw new UserError(`${this.path} already has a study named "${data.spec.name}"; copy into another file, or remove that study first`);
      }
      const studyId = this.createStudy(data.spec).id;
      this.db.prepare('UPDATE studies SET backend = ?, created_at = ? WHERE id = ?').run(data.backend, data.createdAt, studyId);
      this.setHardware(studyId, data.hardware);
      this.setMeters(studyId, data.meters);
      for (const c of data.hardwareClasses) this.putHardwareClass(studyId, c.classId, c.inventory);
      const ids = new Map<number, number>();
      const insert = this.db.prepare(
        `INSERT INTO trials (study_id, number, state, retry_of, backend, created_at, started_at, finished_at, host, worker_pid, heartbeat_ms, hardware_class)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const param = this.db.prepare('INSERT INTO trial_params (trial_id, name, value_json) VALUES (?, ?, ?)');
      const metric = this.db.prepare('INSERT INTO trial_metrics (trial_id, name, value, unit) VALUES (?, ?, ?, ?)');
      const attr = this.db.prepare('INSERT INTO trial_attrs (trial_id, key, value_json) VALUES (?, ?, ?)');
      const failure = this.db.prepare('INSERT INTO trial_failures (trial_id, kind, message, detail) VALUES (?, ?, ?, ?)');
      const sample = this.db.prepare('INSERT INTO power_samples (study_id, trial_id, t_ms, domain, power_w) VALUES (?, ?, ?, ?, ?)');
      for (const t of data.trials) {
        const retryOf = t.retryOf === null ? null : (ids.get(t.retryOf) ?? null);
        const trialId = Number(
          insert.run(studyId, t.number, t.state, retryOf, t.backend, t.createdAt, t.startedAt, t.finishedAt, t.host, t.workerPid, t.heartbeatMs, t.hardwareClass).lastInsertRowid,
        );
        ids.set(t.number, trialId);
        for (const [k, v] of Object.entries(t.params)) param.run(trialId, k, JSON.stringify(v));
        for (const row of metricRows(t.metrics)) metric.run(trialId, ...row);
        for (const [k, v] of Object.entries(t.attrs)) attr.run(trialId, k, JSON.stringify(v));
        if (t.failure) failure.run(trialId, t.failure.kind, t.failure.message, t.failure.detail);
        for (const p of t.powerSamples) sample.run(studyId, trialId, p.tMs, p.domain, p.powerW);
      }
      for (const { trial, window } of data.windows) this.insertWindow(studyId, trial === null ? null : (ids.get(trial) ?? null), window);
      // last: every write above touched it
      this.db.prepare('UPDATE studies SET updated_at = ? WHERE id = ?').run(data.updatedAt, studyId);
      return studyId;
    }).immediate();
    return this.getStudy(id)!;
  }

  private touch(studyId: number): void {
    this.db.prepare('UPDATE studies SET updated_at = ? WHERE id = ?').run(now(), studyId);
  }
}

/** A stored window as it is written: without its database ids. */
export function exportedWindow(w: StoredWindow): EnergyWindow & { samples?: number } {
  const { id: _id, trialId: _trial, samples, ...rest } = w;
  return samples === null ? rest : { ...rest, samples };
}

/** Why recoverStale interrupted a trial. */
export const STALE_MESSAGE = 'the worker running this trial stopped or lost contact before it finished';

export function workerOf(owner: number | WorkerId): WorkerId {
  return typeof owner === 'number' ? { host: hostname(), pid: owner } : owner;
}

/**
 * Whether a lock holder still holds: its heartbeat is fresh and, on this host, its process is
 * alive. A pid on another machine cannot be checked from here, so there only the heartbeat counts.
 */
export function holderIsLive(holder: WorkerId, heartbeatMs: number | null, self: WorkerId, staleAfterMs: number, nowMs: number): boolean {
  if (holder.host === self.host && holder.pid === self.pid) return false;
  if (nowMs - (heartbeatMs ?? 0) >= staleAfterMs) return false;
  return holder.host !== self.host || isAlive(holder.pid);
}

/** Whether a running or queued trial's worker still holds it (recoverStale's rule). */
export function trialIsLive(row: { host: string | null; worker_pid: number | null; heartbeat_ms: number | null }, self: WorkerId, staleAfterMs: number, nowMs: number): boolean {
  if (row.heartbeat_ms === null) return false;
  // the asking process's own trial is live whatever its heartbeat says: its heartbeats may have
  // failed for a while (the database restarted), but the process asking is the one running it.
  // Not when every running trial is to be taken for dead (staleAfterMs 0: an exclusive run's
  // start, which may be in the same process as an earlier run, the app's)
  if (staleAfterMs > 0 && row.host === self.host && row.worker_pid === self.pid) return true;
  if (nowMs - row.heartbeat_ms >= staleAfterMs) return false;
  if (row.host === self.host && row.worker_pid !== null) return isAlive(row.worker_pid);
  return true;
}
