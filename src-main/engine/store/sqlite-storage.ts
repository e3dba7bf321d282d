/**
 * The embedded storage: a `Store` (one SQLite file, WAL, one transaction per state change)
 * behind the async `Storage` interface. better-sqlite3 is synchronous, so each method runs to
 * completion before its promise settles; several processes on one file are serialised by
 * SQLite's IMMEDIATE transactions (claims, stale recovery, the runner lock).
 */
import type { StudySpec } from '../../shared/spec';
import type { EnergyWindow, MeterInfo, StudySummary, TrialRecord, TrialState } from '../../shared/types';
import type { PlacedTrial, Storage, StudyExport, TrialClaim, WorkerId } from './storage';
import type { StoredWindow, StudyRow, Store, TrialResult } from './store';

/** Runs a synchronous call as a promise, so a throw becomes a rejection as PostgreSQL's would. */
function later<T>(f: () => T): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;

  /** The synchronous API, for callers that read the file directly (reports, the app, the CLI). */
  constructor(readonly store: Store) {}

  get location(): string {
    return this.store.path;
  }

  close(): Promise<void> {
    return later(() => this.store.close());
  }

  createStudy(spec: StudySpec): Promise<StudyRow> {
    return later(() => this.store.createStudy(spec));
  }
  getStudy(id: number): Promise<StudyRow | null> {
    return later(() => this.store.getStudy(id));
  }
  findStudy(name: string): Promise<StudyRow | null> {
    return later(() => this.store.findStudy(name));
  }
  requireStudy(nameOrId: string): Promise<StudyRow> {
    return later(() => this.store.requireStudy(nameOrId));
  }
  listStudies(): Promise<StudySummary[]> {
    return later(() => this.store.listStudies());
  }
  setStudyBudget(studyId: number, trials: number, timeBudgetS: number | undefined): Promise<void> {
    return later(() => this.store.setStudyBudget(studyId, trials, timeBudgetS));
  }
  setStudyBackend(studyId: number, backend: string): Promise<void> {
    return later(() => this.store.setStudyBackend(studyId, backend));
  }
  setHardware(studyId: number, entries: Record<string, string>): Promise<void> {
    return later(() => this.store.setHardware(studyId, entries));
  }
  getHardware(studyId: number): Promise<Record<string, string>> {
    return later(() => this.store.getHardware(studyId));
  }
  setMeters(studyId: number, meters: MeterInfo[]): Promise<void> {
    return later(() => this.store.setMeters(studyId, meters));
  }
  getMeters(studyId: number): Promise<MeterInfo[]> {
    return later(() => this.store.getMeters(studyId));
  }
  putHardwareClass(studyId: number, classId: string, inventory: Record<string, string>): Promise<void> {
    return later(() => this.store.putHardwareClass(studyId, classId, inventory));
  }
  getHardwareClasses(studyId: number): Promise<{ classId: string; inventory: Record<string, string> }[]> {
    return later(() => this.store.getHardwareClasses(studyId));
  }

  acquireRunner(studyId: number, owner: WorkerId, staleAfterMs?: number): Promise<void> {
    return later(() => this.store.acquireRunner(studyId, owner, staleAfterMs));
  }
  heartbeatRunner(studyId: number, owner: WorkerId): Promise<void> {
    return later(() => this.store.heartbeat(studyId, owner));
  }
  releaseRunner(studyId: number, owner: WorkerId): Promise<void> {
    return later(() => this.store.releaseRunner(studyId, owner));
  }
  runnerHeld(studyId: number, self: WorkerId, staleAfterMs?: number): Promise<WorkerId | null> {
    return later(() => this.store.runnerHeld(studyId, self, staleAfterMs));
  }

  claimTrial(studyId: number, claim: TrialClaim): Promise<PlacedTrial | null> {
    return later(() => this.store.claimTrial(studyId, claim));
  }
  heartbeatTrials(trialIds: readonly number[], worker: WorkerId): Promise<void> {
    return later(() => this.store.heartbeatTrials(trialIds, worker));
  }
  completeTrial(trialId: number, result: TrialResult, state?: 'complete' | 'pruned'): Promise<void> {
    return later(() => this.store.completeTrial(trialId, result, state));
  }
  failTrial(trialId: number, kind: string, message: string, partial?: Partial<TrialResult>, detail?: string): Promise<void> {
    return later(() => this.store.failTrial(trialId, kind, message, partial, detail));
  }
  pruneTrial(trialId: number, reason: string, partial: Partial<TrialResult>): Promise<void> {
    return later(() => this.store.pruneTrial(trialId, reason, partial));
  }
  interruptTrial(trialId: number, message: string, partial?: Partial<TrialResult>): Promise<void> {
    return later(() => this.store.interruptTrial(trialId, message, partial));
  }
  setTrialAttr(trialId: number, key: string, value: unknown): Promise<void> {
    return later(() => this.store.setTrialAttr(trialId, key, value));
  }
  recoverStale(studyId: number, self: WorkerId, staleAfterMs: number): Promise<TrialRecord[]> {
    return later(() => this.store.recoverStale(studyId, self, staleAfterMs));
  }
  pendingRetries(studyId: number): Promise<TrialRecord[]> {
    return later(() => this.store.pendingRetries(studyId));
  }
  insertWindow(studyId: number, trialId: number | null, w: EnergyWindow & { samples?: number }): Promise<number> {
    return later(() => this.store.insertWindow(studyId, trialId, w));
  }

  getTrial(id: number): Promise<PlacedTrial | null> {
    return later(() => this.store.getPlacedTrial(id));
  }
  getTrialByNumber(studyId: number, number: number): Promise<PlacedTrial | null> {
    return later(() => this.store.getPlacedTrialByNumber(studyId, number));
  }
  getTrials(studyId: number, states?: readonly TrialState[]): Promise<PlacedTrial[]> {
    return later(() => this.store.getPlacedTrials(studyId, states));
  }
  getTrialAttrs(trialId: number): Promise<Record<string, unknown>> {
    return later(() => this.store.getTrialAttrs(trialId));
  }
  latestIdle(studyId: number): Promise<StoredWindow | null> {
    return later(() => this.store.latestIdle(studyId));
  }
  getWindows(filter: { trialId: number } | { studyId: number; phase: 'idle' }): Promise<StoredWindow[]> {
    return later(() => this.store.getWindows(filter));
  }
  getPowerSamples(trialId: number): Promise<{ tMs: number; domain: string; powerW: number }[]> {
    return later(() => this.store.getPowerSamples(trialId));
  }

  exportStudy(studyId: number): Promise<StudyExport> {
    return later(() => this.store.exportStudy(studyId));
  }
  importStudy(data: StudyExport): Promise<StudyRow> {
    return later(() => this.store.importStudy(data));
  }
}
