/**
 * The study storage interface: what the study loop and `ecopt worker` need from a study's
 * database, asynchronous so that a network database (PostgreSQL) can stand behind it as well as
 * the embedded SQLite file. Two implementations, one conformance suite
 * (test/unit/engine/store/conformance.test.ts) that runs every case against both:
 *   - SqliteStorage (sqlite-storage.ts): the `Store` class behind promises, today's guarantees;
 *   - PostgresStorage (postgres-storage.ts): `--storage postgresql://…`, the same numbered
 *     migrations in PostgreSQL's dialect.
 * Nothing here hands out a raw database handle: every write is a method with its transaction
 * inside.
 *
 * Several workers, on one machine or many, may run one study at once. Each claims its trial in a
 * transaction that also checks the budget (so the budget is met exactly, never overshot), keeps
 * the trial's heartbeat fresh while it runs, and a trial whose heartbeat went stale (its worker
 * was killed, its machine lost power) is marked interrupted by whichever worker notices and re-run
 * once, by one worker, with the same parameters.
 */
import type { StudySpec } from '../../shared/spec';
import type { EnergyWindow, MeterInfo, Metrics, Params, StudySummary, TrialRecord, TrialState } from '../../shared/types';
import type { StoredWindow, StudyRow, TrialResult } from './store';

/** Who runs a trial: a process on a host. A pid alone means nothing on another machine. */
export interface WorkerId {
  host: string;
  pid: number;
}

/** What a worker asks for when it claims a trial. */
export interface TrialClaim {
  /** The parameters to run; for a re-run, the interrupted trial's own. */
  params: Params;
  /** The interrupted trial this one re-runs, or null for a fresh proposal. */
  retryOf: number | null;
  worker: WorkerId;
  /** The hardware class of the machine that will run it (see hardware-class.ts). */
  hardwareClass: string;
  /** Trials counted against the budget: complete, pruned, failed, plus running ones. */
  budget: number;
  /**
   * For a fresh proposal: how many fresh proposals (trials that are not re-runs) the study held
   * when the sampler was asked. The claim is refused when another worker's proposal landed in
   * the meantime, so that each proposal is made against the history it joins (and two workers
   * asking at once never take the same proposal index). Absent: not checked.
   */
  proposals?: number;
}

/** A trial with where it ran (host and hardware class), for several-machine studies. */
export interface PlacedTrial extends TrialRecord {
  host: string | null;
  hardwareClass: string | null;
  heartbeatMs: number | null;
}

/**
 * Everything one study holds, independent of where it is stored (`ecopt copy`). Trials refer to
 * each other and windows to trials by trial number, never by database id.
 */
export interface StudyExport {
  spec: StudySpec;
  backend: string | null;
  createdAt: string;
  /** When the study last changed: a copy keeps it (the copy is not a change of the study). */
  updatedAt: string;
  hardware: Record<string, string>;
  meters: MeterInfo[];
  hardwareClasses: { classId: string; inventory: Record<string, string> }[];
  trials: ExportedTrial[];
  /** Every window of the study in the order stored (trial windows and idle baselines, trial null). */
  windows: { trial: number | null; window: EnergyWindow & { samples?: number } }[];
}

export interface ExportedTrial {
  number: number;
  state: TrialState;
  /** The number of the trial this one re-runs. */
  retryOf: number | null;
  params: Params;
  metrics: Metrics;
  backend: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  failure: { kind: string; message: string; detail: string | null } | null;
  attrs: Record<string, unknown>;
  host: string | null;
  workerPid: number | null;
  heartbeatMs: number | null;
  hardwareClass: string | null;
  powerSamples: { tMs: number; domain: string; powerW: number }[];
}

export interface Storage {
  readonly kind: 'sqlite' | 'postgresql';
  /** The file path, or the URL without its password: what messages name. */
  readonly location: string;
  close(): Promise<void>;

  // ---- studies ---------------------------------------------------------------------------------
  createStudy(spec: StudySpec): Promise<StudyRow>;
  getStudy(id: number): Promise<StudyRow | null>;
  findStudy(name: string): Promise<StudyRow | null>;
  /** By name, or by numeric id; a UserError listing the studies there when neither matches. */
  requireStudy(nameOrId: string): Promise<StudyRow>;
  listStudies(): Promise<StudySummary[]>;
  /** A resumed study's new trial or time budget (the only part of a spec that may change). */
  setStudyBudget(studyId: number, trials: number, timeBudgetS: number | undefined): Promise<void>;
  setStudyBackend(studyId: number, backend: string): Promise<void>;
  setHardware(studyId: number, entries: Record<string, string>): Promise<void>;
  getHardware(studyId: number): Promise<Record<string, string>>;
  setMeters(studyId: number, meters: MeterInfo[]): Promise<void>;
  getMeters(studyId: number): Promise<MeterInfo[]>;

  /** One hardware class's inventory (CPU model, GPU model, counter sources), stored once per study. */
  putHardwareClass(studyId: number, classId: string, inventory: Record<string, string>): Promise<void>;
  getHardwareClasses(studyId: number): Promise<{ classId: string; inventory: Record<string, string> }[]>;

  // ---- the exclusive runner lock (`ecopt tune`): host + pid + heartbeat --------------------------
  /**
   * Claims the whole study for one process. Refuses while another holder's heartbeat is fresh
   * (and, when that holder is on this host, while its pid is alive), or while workers hold
   * running trials with fresh heartbeats.
   */
  acquireRunner(studyId: number, owner: WorkerId, staleAfterMs?: number): Promise<void>;
  heartbeatRunner(studyId: number, owner: WorkerId): Promise<void>;
  releaseRunner(studyId: number, owner: WorkerId): Promise<void>;
  /** Whether an exclusive runner other than `self` holds the study with a fresh heartbeat. */
  runnerHeld(studyId: number, self: WorkerId, staleAfterMs?: number): Promise<WorkerId | null>;

  // ---- trials ------------------------------------------------------------------------------------
  /**
   * In one transaction: if the trials counted against the budget (complete, pruned, failed and
   * running) are fewer than `claim.budget`, and a re-run's original has no re-run yet, creates the
   * trial already `running`, with the next number, the worker's host and pid, the hardware class
   * and a fresh heartbeat. Returns null when the budget is taken, the re-run was claimed by
   * another worker first, or (`claim.proposals`) another worker's proposal landed since this one
   * was asked.
   */
  claimTrial(studyId: number, claim: TrialClaim): Promise<PlacedTrial | null>;
  /** Refreshes the heartbeat of trials this worker runs. */
  heartbeatTrials(trialIds: readonly number[], worker: WorkerId): Promise<void>;
  completeTrial(trialId: number, result: TrialResult, state?: 'complete' | 'pruned'): Promise<void>;
  failTrial(trialId: number, kind: string, message: string, partial?: Partial<TrialResult>, detail?: string): Promise<void>;
  pruneTrial(trialId: number, reason: string, partial: Partial<TrialResult>): Promise<void>;
  /** `partial`: what the trial measured before it was stopped (a Ctrl-C), kept as a failed trial's is. */
  interruptTrial(trialId: number, message: string, partial?: Partial<TrialResult>): Promise<void>;
  setTrialAttr(trialId: number, key: string, value: unknown): Promise<void>;
  /**
   * Marks `interrupted` every trial left `running` or `queued` whose heartbeat is older than
   * `staleAfterMs`, or whose worker is on `self.host` and no longer alive, or which has no
   * heartbeat at all (written by an older version) — except, while an exclusive runner
   * (`ecopt tune`) holds the study, the trials it runs (they have no heartbeat of their own);
   * returns them. A worker whose trial was recovered cannot complete it any more
   * (`completeTrial` rejects: the trial is `interrupted`).
   */
  recoverStale(studyId: number, self: WorkerId, staleAfterMs: number): Promise<TrialRecord[]>;
  /** Interrupted trials not yet re-run, oldest first. */
  pendingRetries(studyId: number): Promise<TrialRecord[]>;
  insertWindow(studyId: number, trialId: number | null, w: EnergyWindow & { samples?: number }): Promise<number>;

  getTrial(id: number): Promise<PlacedTrial | null>;
  getTrialByNumber(studyId: number, number: number): Promise<PlacedTrial | null>;
  /** Every trial of a study in number order, read as one consistent snapshot. */
  getTrials(studyId: number, states?: readonly TrialState[]): Promise<PlacedTrial[]>;
  getTrialAttrs(trialId: number): Promise<Record<string, unknown>>;
  latestIdle(studyId: number): Promise<StoredWindow | null>;
  getWindows(filter: { trialId: number } | { studyId: number; phase: 'idle' }): Promise<StoredWindow[]>;
  getPowerSamples(trialId: number): Promise<{ tMs: number; domain: string; powerW: number }[]>;

  // ---- whole studies between storages (`ecopt copy`) ---------------------------------------------
  exportStudy(studyId: number): Promise<StudyExport>;
  /**
   * Writes an exported study as a new study, in one transaction; refuses (UserError) when a
   * study of that name exists here. Ids are this storage's own; numbers are kept.
   */
  importStudy(data: StudyExport): Promise<StudyRow>;
}

/** Trials that count against a study's budget. */
export const COUNTED_STATES: readonly TrialState[] = ['complete', 'pruned', 'failed'];
