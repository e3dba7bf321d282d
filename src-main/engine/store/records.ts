/**
 * What both storages share above SQL: the checks a result must pass before anything of it is
 * kept, and the mapping from table rows to records. SQLite and PostgreSQL read the same column
 * names, so one mapping keeps their records identical (the conformance suite compares them).
 */
import type { StudySpec } from '../../shared/spec';
import {
  METRICS,
  TRIAL_STATES,
  type DomainEnergy,
  type EnergyWindow,
  type MeterFlag,
  type MetricName,
  type Metrics,
  type Params,
  type StudySummary,
  type TrialRecord,
  type TrialState,
} from '../../shared/types';
import type { PlacedTrial } from './storage';
import type { StoredWindow, StudyRow } from './store';

/** A result's metrics as rows (name, value, unit); refuses a value that is not a finite number. */
export function metricRows(metrics: Metrics): [name: string, value: number, unit: string][] {
  const out: [string, number, string][] = [];
  for (const [name, value] of Object.entries(metrics)) {
    if (value === undefined) continue;
    if (!Number.isFinite(value)) throw new Error(`metric ${name} is not a finite number (${value})`);
    out.push([name, value, METRICS[name as MetricName]?.unit ?? '']);
  }
  return out;
}

/** Refuses a window's energy figure that is not finite or is negative. */
export function checkDomainEnergy(d: DomainEnergy): void {
  if (!Number.isFinite(d.energyJ)) throw new Error(`energy for ${d.domain} is not a finite number`);
  // the store is the last line: no energy kept as a result is ever negative
  for (const [name, v] of [['energy', d.energyJ], ['net energy', d.netEnergyJ], ['attributed energy', d.attributedEnergyJ]] as const) {
    if (v !== undefined && v < 0) throw new Error(`${name} for ${d.domain} is negative (${v} J): a bug in the meters, not a figure to keep`);
  }
}

/** window_energy's columns after window_id, in WINDOW_ENERGY_COLUMNS' order. */
export const WINDOW_ENERGY_COLUMNS =
  'domain, energy_j, net_energy_j, attributed_energy_j, unreliable, method, source, counter, model, inputs_json, resolution_j, uncertainty_rel';

export function windowEnergyValues(d: DomainEnergy): unknown[] {
  checkDomainEnergy(d);
  const p = d.provenance;
  const head = [d.domain, d.energyJ, d.netEnergyJ ?? null, d.attributedEnergyJ ?? null, d.unreliable ? 1 : 0];
  return p.method === 'measured'
    ? [...head, 'measured', p.source, p.counter, null, null, p.resolutionJ, p.uncertaintyRel]
    : [...head, 'estimated', p.source, null, p.model, JSON.stringify(p.inputs), null, p.uncertaintyRel];
}

/** windows' columns after study_id and trial_id. */
export const WINDOW_COLUMNS = 'phase, started_at_ms, duration_s, samples, cpu_tree_s, cpu_machine_busy_s, cpu_cores, host';

export function windowValues(w: EnergyWindow & { samples?: number }): unknown[] {
  return [w.phase, Math.round(w.startedAtMs), w.durationS, w.samples ?? null, w.cpu?.treeS ?? null, w.cpu?.machineBusyS ?? null, w.cpu?.cores ?? null, w.host ?? null];
}

export interface RawStudy {
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

export interface RawObjective {
  metric: MetricName;
  direction: 'minimize' | 'maximize';
  unit: string;
  threshold: number | null;
}

export function toStudyRow(row: RawStudy, objectives: RawObjective[]): StudyRow {
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

export function toSummary(r: RawStudy, counts: { state: TrialState; n: number }[]): StudySummary {
  const c = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<TrialState, number>;
  for (const { state, n } of counts) c[state] = Number(n);
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

/** The trial columns toTrials reads, in RawTrialRow's order. */
export const TRIAL_COLUMNS = 'id, number, state, retry_of, backend, created_at, started_at, finished_at, host, hardware_class, heartbeat_ms';
export type RawTrialRow = [
  id: number,
  number: number,
  state: TrialState,
  retryOf: number | null,
  backend: string | null,
  createdAt: string,
  startedAt: string | null,
  finishedAt: string | null,
  host: string | null,
  hardwareClass: string | null,
  heartbeatMs: number | null,
];

/**
 * Trial rows (TRIAL_COLUMNS) with their params, metrics and failures (rows as [trial_id, …]);
 * with `placed`, each record also says where it ran.
 */
export function toTrials(rows: RawTrialRow[], paramRows: [number, string, string][], metricRows: [number, string, number][], failureRows: [number, string, string][], placed: true): PlacedTrial[];
export function toTrials(rows: RawTrialRow[], paramRows: [number, string, string][], metricRows: [number, string, number][], failureRows: [number, string, string][], placed?: boolean): TrialRecord[];
export function toTrials(rows: RawTrialRow[], paramRows: [number, string, string][], metricRows: [number, string, number][], failureRows: [number, string, string][], placed = false): TrialRecord[] {
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
  return rows.map(([id, number, state, retryOf, backend, createdAt, startedAt, finishedAt, host, hardwareClass, heartbeatMs]) => {
    // one literal per shape, not a copy: the app reads 10,000 placed trials per study (bench:frontier)
    if (placed) {
      const p: PlacedTrial = {
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
        host,
        hardwareClass,
        heartbeatMs,
      };
      return p;
    }
    const t: TrialRecord = {
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
    };
    return t;
  });
}

export interface RawWindow {
  id: number;
  trial_id: number | null;
  phase: EnergyWindow['phase'];
  started_at_ms: number;
  duration_s: number;
  samples: number | null;
  cpu_tree_s: number | null;
  cpu_machine_busy_s: number | null;
  cpu_cores: number | null;
  /** Migration 6 on; null in windows stored before it and in trials' windows. */
  host: string | null;
}

export interface RawEnergy {
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

/** A window row with its energy rows (by domain) and flags (in the order stored). */
export function toStoredWindow(w: RawWindow, energy: RawEnergy[], flags: MeterFlag[]): StoredWindow {
  return {
    flags,
    id: w.id,
    trialId: w.trial_id,
    phase: w.phase,
    startedAtMs: w.started_at_ms,
    durationS: w.duration_s,
    samples: w.samples,
    ...(w.cpu_cores !== null ? { cpu: { treeS: w.cpu_tree_s, machineBusyS: w.cpu_machine_busy_s ?? 0, cores: w.cpu_cores } } : {}),
    ...(w.host ? { host: w.host } : {}),
    domains: energy.map((e) => ({
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
  };
}
