/**
 * The study database's one writer. Every state change is a transaction; a trial's results and
 * its move to `complete` land together or not at all.
 */
import { datasetLabel, type ObjectiveSpec, type StudySpec } from '../../shared/spec';
import {
  TRIAL_STATES,
  TRIAL_TRANSITIONS,
  type EnergyWindow,
  type MeterFlag,
  type MeterInfo,
  type MetricName,
  type Metrics,
  type Params,
  type StudySummary,
  type TrialRecord,
  type TrialState,
} from '../../shared/types';
import { METRICS } from '../../shared/types';
import { UserError } from '../errors';
import { openDb, type Db, type OpenOptions } from './db';
import { isAlive } from '../pid';

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
      .all(row.id) as { metric: MetricName; direction: 'minimize' | 'maximize'; unit: string; threshold: number | null }[];
    return {
      id: row.id,
      name: row.name,
      spec: JSON.parse(row.spec_json) as StudySpec,
      objectives: objectives.map((o) => ({
        metric: o.metric,
        direction: o.direction,
        unit: o.unit,
        ...(o.threshold !== null ? { threshold: o.threshold } : {}),
      })),
      backend: row.backend,
      createdAt: row.created_at,
    };
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
    const c = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<TrialState, number>;
    const counts = this.db.prepare('SELECT state, count(*) AS n FROM trials WHERE study_id = ? GROUP BY state').all(r.id) as { state: TrialState; n: number }[];
    for (const { state, n } of counts) c[state] = n;
    const spec = JSON.parse(r.spec_json) as StudySpec;
    return {
      id: r.id,
      name: r.name,
      model: r.model,
      dataset: r.dataset,
      sampler: r.sampler,
      backend: r.backend,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      counts: c,
      budget: spec.trials,
    };
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

  // ---- the runner lock: one process runs a study at a time ---------------------------------

  /**
   * Claims the study for this process. Refuses while another live process holds it with a
   * fresh heartbeat; a holder that died (SIGKILL, power loss) is taken over.
   */
  acquireRunner(studyId: number, pid: number, staleAfterMs = 30_000): void {
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT runner_pid, runner_heartbeat_ms FROM studies WHERE id = ?').get(studyId) as {
        runner_pid: number | null;
        runner_heartbeat_ms: number | null;
      };
      if (row.runner_pid && row.runner_pid !== pid && isAlive(row.runner_pid) && Date.now() - (row.runner_heartbeat_ms ?? 0) < staleAfterMs) {
        throw new UserError(
          `this study is being run by another ECOpt process (pid ${row.runner_pid}); wait for it to finish or stop it first`,
        );
      }
      this.db.prepare('UPDATE studies SET runner_pid = ?, runner_heartbeat_ms = ? WHERE id = ?').run(pid, Date.now(), studyId);
    }).immediate();
  }

  heartbeat(studyId: number, pid: number): void {
    this.db.prepare('UPDATE studies SET runner_heartbeat_ms = ? WHERE id = ? AND runner_pid = ?').run(Date.now(), studyId, pid);
  }

  releaseRunner(studyId: number, pid: number): void {
    this.db.prepare('UPDATE studies SET runner_pid = NULL, runner_heartbeat_ms = NULL WHERE id = ? AND runner_pid = ?').run(studyId, pid);
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

  private stopTrial(trialId: number, state: 'failed' | 'pruned', kind: string, message: string, partial?: Partial<TrialResult>, detail?: string): void {
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

  interruptTrial(trialId: number, message: string): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR REPLACE INTO trial_failures (trial_id, kind, message, detail) VALUES (?, ?, ?, NULL)')
        .run(trialId, 'interrupted', message);
      this.transition(trialId, 'interrupted');
    }).immediate();
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
    for (const [name, value] of Object.entries(result.metrics)) {
      if (value === undefined) continue;
      if (!Number.isFinite(value)) throw new Error(`metric ${name} is not a finite number (${value})`);
      metric.run(trialId, name, value, METRICS[name as MetricName]?.unit ?? '');
    }
    const attr = this.db.prepare('INSERT OR REPLACE INTO trial_attrs (trial_id, key, value_json) VALUES (?, ?, ?)');
    for (const [k, v] of Object.entries(result.attrs)) attr.run(trialId, k, JSON.stringify(v));
    for (const w of result.windows) this.insertWindow(studyId, trialId, w);
    const sample = this.db.prepare('INSERT INTO power_samples (study_id, trial_id, t_ms, domain, power_w) VALUES (?, ?, ?, ?, ?)');
    for (const s of result.powerSamples) sample.run(studyId, trialId, s.tMs, s.domain, s.powerW);
  }

  insertWindow(studyId: number, trialId: number | null, w: EnergyWindow & { samples?: number }): number {
    const info = this.db
      .prepare(
        'INSERT INTO windows (study_id, trial_id, phase, started_at_ms, duration_s, samples, cpu_tree_s, cpu_machine_busy_s, cpu_cores) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(studyId, trialId, w.phase, Math.round(w.startedAtMs), w.durationS, w.samples ?? null, w.cpu?.treeS ?? null, w.cpu?.machineBusyS ?? null, w.cpu?.cores ?? null);
    const windowId = Number(info.lastInsertRowid);
    const put = this.db.prepare(
      `INSERT INTO window_energy (window_id, domain, energy_j, net_energy_j, attributed_energy_j, unreliable, method, source, counter, model, inputs_json, resolution_j, uncertainty_rel)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const d of w.domains) {
      if (!Number.isFinite(d.energyJ)) throw new Error(`energy for ${d.domain} is not a finite number`);
      // the store is the last line: no energy kept as a result is ever negative
      for (const [name, v] of [['energy', d.energyJ], ['net energy', d.netEnergyJ], ['attributed energy', d.attributedEnergyJ]] as const) {
        if (v !== undefined && v < 0) throw new Error(`${name} for ${d.domain} is negative (${v} J): a bug in the meters, not a figure to keep`);
      }
      const p = d.provenance;
      const net = d.netEnergyJ ?? null;
      const own = d.attributedEnergyJ ?? null;
      const bad = d.unreliable ? 1 : 0;
      if (p.method === 'measured') {
        put.run(windowId, d.domain, d.energyJ, net, own, bad, 'measured', p.source, p.counter, null, null, p.resolutionJ, p.uncertaintyRel);
      } else {
        put.run(windowId, d.domain, d.energyJ, net, own, bad, 'estimated', p.source, null, p.model, JSON.stringify(p.inputs), null, p.uncertaintyRel);
      }
    }
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

  /** One trial, its four reads in one transaction (a consistent snapshot, as getTrials). */
  getTrial(id: number): TrialRecord | null {
    const read = this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE id = ?`).raw().all(id) as RawTrialRow[];
      if (rows.length === 0) return null;
      const one = (sql: string) => this.db.prepare(sql).raw().all(id) as never[];
      return this.toTrials(
        rows,
        one('SELECT trial_id, name, value_json FROM trial_params WHERE trial_id = ? ORDER BY name'),
        one('SELECT trial_id, name, value FROM trial_metrics WHERE trial_id = ? ORDER BY name'),
        one('SELECT trial_id, kind, message FROM trial_failures WHERE trial_id = ?'),
      )[0]!;
    });
    return read.deferred();
  }

  /** One trial of a study by its number (what `getTrials(…).find` would give, without reading the others). */
  getTrialByNumber(studyId: number, number: number): TrialRecord | null {
    const row = this.db.prepare('SELECT id FROM trials WHERE study_id = ? AND number = ?').get(studyId, number) as { id: number } | undefined;
    return row ? this.getTrial(row.id) : null;
  }

  /**
   * Every trial of a study in number order: four queries whatever the study's size (one per
   * table, not one per trial; rows as arrays, half the cost of objects at 10,000 trials), read in
   * one transaction so a writer in another process cannot show a trial without its values.
   */
  getTrials(studyId: number, states?: readonly TrialState[]): TrialRecord[] {
    const read = this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? ORDER BY number`).raw().all(studyId) as RawTrialRow[];
      if (rows.length === 0) return [];
      const all = (sql: string) => this.db.prepare(sql).raw().all(studyId) as never[];
      return this.toTrials(
        rows,
        all('SELECT p.trial_id, p.name, p.value_json FROM trial_params p JOIN trials t ON t.id = p.trial_id WHERE t.study_id = ? ORDER BY p.trial_id, p.name'),
        all('SELECT m.trial_id, m.name, m.value FROM trial_metrics m JOIN trials t ON t.id = m.trial_id WHERE t.study_id = ? ORDER BY m.trial_id, m.name'),
        all('SELECT f.trial_id, f.kind, f.message FROM trial_failures f JOIN trials t ON t.id = f.trial_id WHERE t.study_id = ?'),
      );
    });
    const list = read.deferred();
    return states ? list.filter((t) => states.includes(t.state)) : list;
  }

  /** Trial rows (TRIAL_COLUMNS) with their params, metrics and failures (rows as [trial_id, …]). */
  private toTrials(rows: RawTrialRow[], paramRows: [number, string, string][], metricRows: [number, string, number][], failureRows: [number, string, string][]): TrialRecord[] {
    const params = new Map<number, Params>();
    for (const [id, name, json] of paramRows) {
      let o = params.get(id);
      if (!o) params.set(id, (o = {} as Params));
      o[name] = JSON.parse(json) as Params[string];
    }
    const metrics = new Map<number, Record<string, number>>();
    for (const [id, name, value] of metricRows) {
      let o = metrics.get(id);
      if (!o) metrics.set(id, (o = {}));
      o[name] = value;
    }
    const failures = new Map(failureRows.map(([id, kind, message]) => [id, { kind, message }]));
    return rows.map(([id, number, state, retryOf, backend, createdAt, startedAt, finishedAt]) => ({
      id,
      number,
      state,
      retryOf,
      backend,
      createdAt,
      startedAt,
      finishedAt,
      params: params.get(id) ?? ({} as Params),
      metrics: (metrics.get(id) ?? {}) as Metrics,
      failure: failures.get(id) ?? null,
    }));
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

  getWindows(filter: { trialId: number } | { studyId: number; phase: 'idle' }): StoredWindow[] {
    const rows = (
      'trialId' in filter
        ? this.db.prepare('SELECT * FROM windows WHERE trial_id = ? ORDER BY id').all(filter.trialId)
        : this.db.prepare("SELECT * FROM windows WHERE study_id = ? AND phase = 'idle' ORDER BY id").all(filter.studyId)
    ) as RawWindow[];
    const energy = this.db.prepare('SELECT * FROM window_energy WHERE window_id = ? ORDER BY domain');
    const flags = this.db.prepare('SELECT domain, kind, message FROM window_flags WHERE window_id = ? ORDER BY rowid');
    return rows.map((w) => ({
      flags: flags.all(w.id) as MeterFlag[],
      id: w.id,
      trialId: w.trial_id,
      phase: w.phase,
      startedAtMs: w.started_at_ms,
      durationS: w.duration_s,
      samples: w.samples,
      ...(w.cpu_cores !== null ? { cpu: { treeS: w.cpu_tree_s, machineBusyS: w.cpu_machine_busy_s ?? 0, cores: w.cpu_cores } } : {}),
      domains: (energy.all(w.id) as RawEnergy[]).map((e) => ({
        domain: e.domain,
        energyJ: e.energy_j,
        ...(e.net_energy_j !== null ? { netEnergyJ: e.net_energy_j } : {}),
        ...(e.attributed_energy_j !== null ? { attributedEnergyJ: e.attributed_energy_j } : {}),
        ...(e.unreliable ? { unreliable: true } : {}),
        provenance:
          e.method === 'measured'
            ? {
                method: 'measured' as const,
                source: e.source,
                counter: e.counter ?? '',
                resolutionJ: e.resolution_j,
                uncertaintyRel: e.uncertainty_rel,
              }
            : {
                method: 'estimated' as const,
                source: e.source,
                model: e.model ?? '',
                inputs: JSON.parse(e.inputs_json ?? '{}') as Record<string, string | number>,
                uncertaintyRel: e.uncertainty_rel ?? 0,
              },
      })),
    }));
  }

  getPowerSamples(trialId: number): { tMs: number; domain: string; powerW: number }[] {
    return (
      this.db.prepare('SELECT t_ms, domain, power_w FROM power_samples WHERE trial_id = ? ORDER BY t_ms').all(trialId) as {
        t_ms: number;
        domain: string;
        power_w: number;
      }[]
    ).map((r) => ({ tMs: r.t_ms, domain: r.domain, powerW: r.power_w }));
  }

  private touch(studyId: number): void {
    this.db.prepare('UPDATE studies SET updated_at = ? WHERE id = ?').run(now(), studyId);
  }
}

interface RawStudy {
  id: number;
  name: string;
  spec_json: string;
  model: string;
  sampler: string;
  dataset: string;
  backend: string | null;
  created_at: string;
  updated_at: string;
}
/** The trial columns toTrials reads, in RawTrialRow's order. */
const TRIAL_COLUMNS = 'id, number, state, retry_of, backend, created_at, started_at, finished_at';
type RawTrialRow = [id: number, number: number, state: TrialState, retryOf: number | null, backend: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null];
interface RawWindow {
  id: number;
  trial_id: number | null;
  phase: EnergyWindow['phase'];
  started_at_ms: number;
  duration_s: number;
  samples: number | null;
  cpu_tree_s: number | null;
  cpu_machine_busy_s: number | null;
  cpu_cores: number | null;
}
interface RawEnergy {
  domain: string;
  energy_j: number;
  net_energy_j: number | null;
  attributed_energy_j: number | null;
  unreliable: number;
  method: 'measured' | 'estimated';
  source: string;
  counter: string | null;
  model: string | null;
  inputs_json: string | null;
  resolution_j: number | null;
  uncertainty_rel: number | null;
}
