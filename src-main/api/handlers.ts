/**
 * The contract's handlers: plain functions over the engine, called directly by tests and by every
 * transport (Electron IPC, HTTP + WebSocket). `dispatch` validates the request where it arrives
 * and turns every error into data with a message a person can act on.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseRequest, type CommandName, type EventName, type EventPayload, type ExploreView, type PlacedTrialRecord, type RemoteView, type Response, type Result, type OtherLoad, type StudyView, type TrialView } from '../shared/contract';
import { OTHER_LOAD_SHARE } from '../shared/meter-words';
import { remeasureAgrees } from '../shared/remeasure';
import { hardwareClassViews } from '../shared/classes';
import type { HardwareClassView } from '../shared/classes';
import { displayLocation, isDatabaseUrl, openStorage } from '../engine/store/open-storage';
import type { Storage } from '../engine/store/storage';
import { frontTrials, hypervolumeHistory, hypervolumeSteps, parameterImportance } from '../shared/analysis';
import { toColumns, type TrialColumns } from '../shared/columns';
import type { StudySummary } from '../shared/types';
import { BUILTIN_DATASETS, formatSpecIssues, parseStudySpec, inferBatchSizeOf, targetName, type StudySpec } from '../shared/spec';
import { estimateCaveat } from '../shared/meter-words';
import type { DatasetSummaryView } from '../shared/types';
import { loadDatasetSync } from '../engine/data/builtin';
import { csvColumns, loadCsv, readCsvTable } from '../engine/data/csv';
import { loadImageFolder } from '../engine/data/images';
import type { Dataset } from '../engine/data/types';
import { summarise } from '../engine/data/split';
import { errorMessage, isUserError, UserError } from '../engine/errors';
import { detectMeters, meterVerdict } from '../engine/meters/detect';
import { defaultDataDir, defaultDbPath } from '../engine/paths';
import { buildReport, type ReportOptions } from '../engine/reports/build';
import { renderReports, writeReports } from '../engine/reports/index';
import { studyPayback } from '../engine/reports/payback';
import { countryList } from '../engine/carbon/intensity';
import { ECOPT_VERSION, Store } from '../engine/store/store';
import { runStudy, type StudyEvent } from '../engine/study/study';
import { SqliteStorage } from '../engine/store/sqlite-storage';
import { activeRuns, describeRuns, registerRun } from '../engine/study/machine-runs';
import { planRemeasure, remeasure } from '../engine/models/remeasure';
import { browse, requireFile, requireFolder } from './files';
import { zippedModel } from '../engine/models/export';
import { keptModelDir } from '../engine/models/keep';
import { presetSpec } from './presets';
import { forecastStudy } from '../engine/study/forecast';
import { forecastDetails, forecastLine } from '../shared/predictor';
import { liveProjection, projectionText, remainingOf, type LiveProjection } from '../shared/format';

interface Running {
  controller: AbortController;
  paused: boolean;
  stopping: boolean;
  phase: string | null;
  /** The running trial's projection while it trains, once made: its words are made again at each epoch, so the time left counts down. */
  projected: LiveProjection | null;
  trial: number | null;
  startedAt: string;
  durations: number[];
  done: number;
  budget: number;
  estimatedOnly: boolean;
}

export interface HandlerContext {
  mode: 'electron' | 'serve';
  dbPath?: string;
  emit: <N extends EventName>(name: N, payload: EventPayload<N>) => void;
}

/** Who is asking: the study file a tab (or window) opened with "Open another study file", if any. */
export interface Caller {
  dbPath?: string;
}

/**
 * A study's trials and what is computed from them, as of one state of the study: its updated_at
 * (moved by every trial's creation and change of state) and its count of trials per state.
 */
interface Analysis {
  key: string;
  trials: PlacedTrialRecord[];
  /** The front of every complete trial, or, over several hardware classes, of the first class's. */
  front: number[];
  /** Only over several hardware classes. */
  classes?: HardwareClassView[];
  hypervolume: { trial: number; value: number }[];
  importance: Record<string, Record<string, number>>;
  /** Other programs' work beside the measurements (Store.otherLoad). */
  load: OtherLoad;
  /** Made on first use by the explorer. */
  columns?: TrialColumns;
  steps?: { trial: number; value: number }[];
}

/** Studies whose analysis is kept (the most recently read). */
const ANALYSES_KEPT = 4;

/** An open study file, or a PostgreSQL database read through a local snapshot (`remote`). */
interface Place {
  store: Store;
  dbPath: string;
  remote?: Snapshot;
}

/**
 * A database's studies as a temporary SQLite file, remade (exportStudy → importStudy, as `ecopt
 * copy`) when a request finds it older than SNAPSHOT_MS and the database's studies changed: the app
 * reads a shared study as it reads a file, and never writes to it.
 */
interface Snapshot {
  storage: Storage;
  /** What the database's studies looked like when the snapshot was made (their summaries). */
  seen: string;
  readAt: number;
  refreshing: Promise<void> | null;
  /** The snapshot before this one, kept open for requests still reading it; closed at the next swap. */
  previous: { store: Store; dir: string } | null;
  dir: string;
}

/** How old a database snapshot may be before a request remakes it (the explorer and run view poll at this pace). */
export const SNAPSHOT_MS = 2_000;

/** Makes a new snapshot of every study of the database; the caller swaps it in. */
async function snapshotOf(storage: Storage): Promise<{ store: Store; dir: string; seen: string }> {
  const studies = await storage.listStudies();
  const seen = JSON.stringify(studies);
  const dir = mkdtempSync(join(tmpdir(), 'ecopt-snapshot-'));
  const store = new Store(join(dir, 'snapshot.db'));
  try {
    const into = new SqliteStorage(store);
    // a copy keeps each study's own updated_at: the list shows it, the analysis cache keys on it
    for (const s of studies) await into.importStudy(await storage.exportStudy(s.id));
  } catch (e) {
    store.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { store, dir, seen };
}

const READ_ONLY = (location: string) =>
  `this study is read from ${location}, which the app only reads: run \`ecopt worker <study> --storage <url>\` on the machines that should run it instead`;

export class Api {
  private readonly home: Place;
  /** Study files tabs opened, by absolute path; each tab says which it reads (`Caller`), so opening one switches no other tab. */
  private readonly opened = new Map<string, Place>();
  /** The caller's study file for the request being handled, through every await of its handler. */
  private readonly place = new AsyncLocalStorage<Place>();
  /** Running studies, by study file and name. */
  private readonly running = new Map<string, Running>();
  private remeasuring: { name: string; dbPath: string; controller: AbortController; done: Promise<void> } | null = null;
  private datasetCache: DatasetSummaryView[] | null = null;
  /**
   * Per study (by file and id): its trials, front, hypervolume history and importance, reused
   * while the study is unchanged. bench:frontier: reading and analysing 10,000 trials took most of
   * the server's part of the explorer's first paint, and the explorer asks again on every visit.
   */
  private readonly analyses = new Map<string, Analysis>();

  constructor(private readonly ctx: HandlerContext) {
    const dbPath = resolve(ctx.dbPath ?? defaultDbPath());
    this.home = { dbPath, store: new Store(dbPath) };
  }

  /** The study file of the request being handled. */
  private get store(): Store {
    return (this.place.getStore() ?? this.home).store;
  }

  private get dbPath(): string {
    return (this.place.getStore() ?? this.home).dbPath;
  }

  private runKey(name: string, dbPath = this.dbPath): string {
    return `${dbPath}\0${name}`;
  }

  close(): void {
    for (const r of this.running.values()) r.controller.abort();
    this.remeasuring?.controller.abort();
    this.home.store.close();
    for (const p of this.opened.values()) {
      p.store.close();
      if (p.remote) {
        void p.remote.storage.close().catch(() => undefined);
        if (p.remote.previous) {
          p.remote.previous.store.close();
          rmSync(p.remote.previous.dir, { recursive: true, force: true });
        }
        rmSync(p.remote.dir, { recursive: true, force: true });
      }
    }
    this.opened.clear();
    this.analyses.clear();
  }

  /** Waits for running studies and re-measurements to wind down (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size || this.remeasuring) await new Promise((r) => setTimeout(r, 50));
  }

  /** Opens (once) a study file that exists; a mistyped path is an error and creates nothing. */
  private async openPlace(path: string): Promise<Place> {
    if (isDatabaseUrl(path)) return this.openDatabase(path);
    const dbPath = requireFile(path, 'study file');
    if (dbPath === this.home.dbPath) return this.home;
    let p = this.opened.get(dbPath);
    if (!p) {
      p = { dbPath, store: new Store(dbPath) };
      this.opened.set(dbPath, p);
    }
    return p;
  }

  /**
   * Opens (once) a PostgreSQL database as a read-only snapshot. It is known by its location with
   * the password hidden (what the tab keeps and sends back), so the password is never shown; a
   * tab that sends that back after a restart of the server is asked to open the URL again.
   */
  private async openDatabase(url: string): Promise<Place> {
    const dbPath = displayLocation(url);
    const known = this.opened.get(dbPath);
    if (known) return known;
    // the redacted form of a URL this server no longer holds (it restarted): the password is gone
    if (/:\*\*\*@/.test(url)) throw new UserError(`${dbPath} is no longer open here: type its URL, with the password, in "Open another study file" again`);
    let storage: Storage;
    try {
      storage = await openStorage(url);
    } catch (e) {
      throw new UserError(`cannot read ${dbPath}: ${errorMessage(e)}`);
    }
    let made: Awaited<ReturnType<typeof snapshotOf>>;
    try {
      made = await snapshotOf(storage);
    } catch (e) {
      await storage.close().catch(() => undefined);
      throw new UserError(`cannot read the studies of ${dbPath}: ${errorMessage(e)}`);
    }
    const again = this.opened.get(dbPath);
    if (again) {
      // another request opened it meanwhile
      made.store.close();
      rmSync(made.dir, { recursive: true, force: true });
      await storage.close().catch(() => undefined);
      return again;
    }
    const place: Place = { dbPath, store: made.store, remote: { storage, seen: made.seen, readAt: Date.now(), refreshing: null, previous: null, dir: made.dir } };
    this.opened.set(dbPath, place);
    return place;
  }

  /** Remakes a database's snapshot when it is older than SNAPSHOT_MS and its studies changed. */
  private async refresh(place: Place): Promise<void> {
    const r = place.remote;
    if (!r || Date.now() - r.readAt < SNAPSHOT_MS) return;
    r.refreshing ??= (async () => {
      try {
        const seen = JSON.stringify(await r.storage.listStudies());
        if (seen !== r.seen) {
          const made = await snapshotOf(r.storage);
          if (r.previous) {
            r.previous.store.close();
            rmSync(r.previous.dir, { recursive: true, force: true });
          }
          r.previous = { store: place.store, dir: r.dir };
          place.store = made.store;
          r.dir = made.dir;
          r.seen = made.seen;
        }
        r.readAt = Date.now();
      } finally {
        r.refreshing = null;
      }
    })();
    try {
      await r.refreshing;
    } catch (e) {
      throw new UserError(`cannot read ${place.dbPath} now: ${errorMessage(e)} (showing nothing rather than an old snapshot; try again)`);
    }
  }

  /** Refuses what would write to the study (the app only reads a database). */
  private writable(): void {
    const place = this.place.getStore() ?? this.home;
    if (place.remote) throw new UserError(READ_ONLY(place.dbPath));
  }

  private remoteView(): RemoteView | undefined {
    const place = this.place.getStore() ?? this.home;
    return place.remote ? { location: place.dbPath, readAt: new Date(place.remote.readAt).toISOString() } : undefined;
  }

  async dispatch(name: string, payload: unknown, caller: Caller = {}): Promise<Result<unknown>> {
    const req = parseRequest(name, payload);
    if (!req.ok) return req;
    try {
      let place = this.home;
      if (caller.dbPath && (isDatabaseUrl(caller.dbPath) || resolve(caller.dbPath) !== this.home.dbPath)) {
        try {
          place = await this.openPlace(caller.dbPath);
          await this.refresh(place);
        } catch (e) {
          throw isUserError(e) ? new UserError(`the study file this tab opened cannot be read any more: ${e.message} (open it again, or go back to ${this.home.dbPath}, on the Studies screen)`) : e;
        }
      }
      const handler = this.handlers[name as CommandName] as (r: unknown) => unknown;
      return { ok: true, data: await this.place.run(place, () => handler(req.data)) };
    } catch (e) {
      return { ok: false, error: isUserError(e) ? e.message : `unexpected error: ${errorMessage(e)}` };
    }
  }

  readonly handlers: { [N in CommandName]: (req: never) => Response<N> | Promise<Response<N>> } = {
    'app.info': () => ({
      version: ECOPT_VERSION,
      dbPath: this.dbPath,
      dataDir: defaultDataDir(),
      mode: this.ctx.mode,
      defaultDbPath: this.home.dbPath,
      ...(this.remoteView() ? { remote: true } : {}),
    }),
    'meters.report': () => {
      const r = detectMeters();
      for (const m of r.meters) m.close();
      return { report: r.report, estimatedOnly: r.estimatedOnly, verdict: meterVerdict(r) };
    },
    'datasets.list': () => (this.datasetCache ??= BUILTIN_DATASETS.map((name) => datasetView(name))),
    'datasets.inspect': (r: { csv: string; target?: string; task?: 'classification' | 'regression' }) => {
      const path = requireFile(r.csv, 'CSV file');
      const columns = csvColumns(path);
      const target = r.target ?? columns.at(-1)!;
      try {
        const ds = loadCsv({ path, target, ...(r.task ? { task: r.task } : {}) });
        return { path, columns, target, summary: { ...summarise(ds), preview: csvPreview(path) }, notes: ds.notes };
      } catch (e) {
        // the last column was only a guess: a file whose last column cannot be predicted (an id, a
        // constant) still opens, and the user chooses the column (walk 42: the menu never appeared)
        if (r.target !== undefined || !isUserError(e)) throw e;
        return { path, columns, target: null, summary: null, notes: [], problem: `The last column, "${target}", cannot be the one to predict: ${errorMessage(e)}. Choose the column to predict.` };
      }
    },
    'datasets.inspectImages': async (r: { images: string; size?: number; channels?: 1 | 3 }) => {
      const path = requireFolder(r.images, 'image folder');
      const ds = await loadImageFolder({ path, ...(r.size ? { size: r.size } : {}), ...(r.channels ? { channels: r.channels } : {}) });
      return { path, summary: { ...summarise(ds), name: path.split(/[\\/]/).filter(Boolean).pop() ?? path, preview: imagePreview(ds) }, notes: ds.notes };
    },
    'files.browse': (r: { path?: string; extensions?: string[] }) => browse(r.path, r.extensions),
    'machine.runs': () => ({ runs: activeRuns().map((run) => ({ ...run, here: run.pid === process.pid })) }),
    'study.power': (r: { name: string }) => {
      const study = this.store.requireStudy(r.name);
      const trials = this.store.getTrials(study.id).filter((t) => t.startedAt !== null);
      for (const t of trials.sort((a, b) => b.number - a.number)) {
        const samples = this.store.getPowerSamples(t.id);
        if (samples.length) return { trial: t.number, samples };
      }
      return { trial: null, samples: [] };
    },
    'spec.validate': (r: { spec: unknown }) => {
      const v = parseStudySpec(r.spec);
      return v.ok ? { ok: true, issues: [] } : { ok: false, issues: v.issues };
    },
    'spec.preset': (r: { dataset: 'digits' | 'iris'; preset: 'quick' | 'standard' | 'thorough'; model?: 'mlp' | 'cnn'; rows?: number }) => presetSpec(r.dataset, r.preset, r.model, r.rows),
    'study.forecast': async (r: { spec: unknown }) => {
      const v = parseStudySpec(r.spec);
      if (!v.ok) return { ok: false, reason: `the study has ${v.issues.length} problem(s) to fix first` };
      const result = await forecastStudy(this.store, v.spec);
      return result.ok ? { ok: true, line: forecastLine(result.forecast), details: forecastDetails(result.forecast), forecast: result.forecast } : { ok: false, reason: result.reason };
    },
    'studies.list': () => this.store.listStudies(),
    'studies.openFile': async (r: { path: string }) => {
      // a mistyped path is an error: opening never creates a study file. Only the asking tab
      // switches: it sends the returned path with each request from now on. A postgresql:// URL
      // opens the database's studies read-only; the path returned hides its password.
      const place = await this.openPlace(r.path.trim());
      await this.refresh(place);
      return { dbPath: place.dbPath, studies: place.store.listStudies(), ...(place.remote ? { remote: true } : {}) };
    },
    'study.start': (r: { spec: unknown; skipIdle?: boolean; mustBeNew?: boolean }) => {
      this.writable();
      const v = parseStudySpec(r.spec);
      if (!v.ok) throw new UserError(`the study has ${v.issues.length} problem(s):\n${formatSpecIssues(v.issues)}`);
      if (r.mustBeNew && this.store.findStudy(v.spec.name)) {
        throw new UserError(`a study named "${v.spec.name}" already exists in ${this.dbPath}: resume it, or give the new study another name such as "${freeName(v.spec.name, this.store.listStudies().map((s) => s.name))}"`);
      }
      if (this.remeasuring) throw new UserError(`models of "${this.remeasuring.name}" are being re-measured on this machine: start the study when that has finished, or its energy would include the re-measurement's`);
      return this.start(v.spec, r.skipIdle ?? false);
    },
    'study.control': (r: { name: string; action: 'pause' | 'resume' | 'stop' }) => {
      this.writable();
      const run = this.running.get(this.runKey(r.name));
      if (r.action === 'resume') {
        if (run) {
          run.paused = false;
          return { state: 'running' };
        }
        const study = this.store.requireStudy(r.name);
        this.start(study.spec, true);
        return { state: 'running' };
      }
      if (!run) throw new UserError(`study "${r.name}" is not running`);
      if (r.action === 'pause') {
        run.paused = true;
        return { state: 'pausing after the current trial' };
      }
      run.stopping = true;
      run.controller.abort();
      return { state: 'stopping' };
    },
    'study.get': (r: { name: string }) => this.studyView(r.name),
    'study.explore': (r: { name: string }) => this.exploreView(r.name),
    'trial.get': (r: { name: string; number: number }) => this.trialView(r.name, r.number),
    'report.build': (r: ReportRequest) => buildReport(this.store, r.name, reportOptions(r)),
    'report.export': async (r: ReportRequest & { formats: ('pdf' | 'json' | 'md' | 'csv' | 'card' | 'gpai')[]; outDir: string }) => {
      const { files } = await writeReports(this.store, r.name, reportOptions(r), r.formats, r.outDir);
      return { files };
    },
    'report.download': async (r: ReportRequest & { formats: ('pdf' | 'json' | 'md' | 'csv' | 'card' | 'gpai')[] }) => {
      const { files } = await renderReports(this.store, r.name, reportOptions(r), r.formats);
      return { files: files.map((f) => ({ name: f.name, mimeType: f.mimeType, base64: Buffer.from(f.content).toString('base64') })) };
    },
    'report.countries': () => countryList(),
    'model.download': (r: { name: string; trial: number }) => zippedModel(this.store, r.name, r.trial),
    'study.payback': (r: { name: string; trial: number; reference?: number; country?: string; pue?: number }) => {
      // over several hardware classes, studyPayback compares within the chosen trial's own
      const p = studyPayback(this.store, r.name, {
        trials: [r.trial],
        ...(r.reference !== undefined ? { reference: r.reference } : {}),
        ...(r.country ? { country: r.country } : {}),
        ...(r.pue !== undefined ? { pue: r.pue } : {}),
      });
      return { payback: p.rows[0] ?? null, campaignEnergyJ: p.campaignEnergyJ, trials: p.trials, ...(p.remeasured ? { remeasured: p.remeasured } : {}), intensity: p.intensity };
    },
    'trial.remeasure': (r: { name: string; trials?: number[]; repeats?: number }) => {
      this.writable();
      return this.remeasure(r.name, r.trials, r.repeats ?? 3);
    },
  };

  /**
   * Starts a re-measurement in the background, after every check that can refuse it: nothing else
   * may be measured on this machine meanwhile, or the models' figures would include its work.
   */
  private remeasure(name: string, trials: number[] | undefined, repeats: number): { trials: number[]; repeats: number } {
    if (this.remeasuring) throw new UserError(`models of "${this.remeasuring.name}" are being re-measured already: wait for that to finish`);
    const others = activeRuns();
    if (others.length) {
      throw new UserError(
        `cannot re-measure while ${others.length > 1 ? 'studies are' : 'a study is'} running on this machine (${describeRuns(others)}): its work would be counted in the models' energy. Re-measure when it has finished, or stop it.`,
      );
    }
    const { store, dbPath } = this;
    const plan = planRemeasure(store, name, trials);
    const numbers = plan.map((p) => p.trial.number);
    const total = numbers.length * repeats;
    const controller = new AbortController();
    // other ECOpt processes see it as a run on this machine (`ecopt tune` refuses to start beside it)
    const release = registerRun(name, dbPath);
    let done = 0;
    const emit = (p: Omit<EventPayload<'remeasure.progress'>, 'name' | 'dbPath' | 'done' | 'total'>) => this.ctx.emit('remeasure.progress', { name, dbPath, done, total, ...p });
    emit({ state: 'measuring', trial: numbers[0]!, repeat: 1 });
    const finished = remeasure(store, name, {
      trials: numbers,
      repeats,
      signal: controller.signal,
      onProgress: (trial, repeat, jPerSample) => {
        done += 1;
        emit({ state: 'measured', trial, repeat, jPerSample });
        if (done < total) emit({ state: 'measuring', trial: numbers[Math.floor(done / repeats)]!, repeat: (done % repeats) + 1 });
      },
    })
      .then(() => emit({ state: 'finished' }))
      .catch((e: unknown) => emit({ state: 'failed', message: errorMessage(e) }))
      .finally(() => {
        release();
        this.remeasuring = null;
      });
    this.remeasuring = { name, dbPath, controller, done: finished };
    return { trials: numbers, repeats };
  }

  private start(spec: StudySpec, skipIdle: boolean): { name: string } {
    const key = this.runKey(spec.name);
    const { store, dbPath } = this;
    if (this.running.has(key)) throw new UserError(`study "${spec.name}" is already running`);
    const controller = new AbortController();
    const run: Running = {
      controller,
      paused: false,
      stopping: false,
      phase: null,
      trial: null,
      startedAt: new Date().toISOString(),
      durations: [],
      projected: null,
      done: 0,
      budget: spec.trials,
      estimatedOnly: false, // set from the study's meters when it starts
    };
    this.running.set(key, run);
    const release = registerRun(spec.name, dbPath);
    const emit = (e: StudyEvent) => this.onStudyEvent(spec.name, run, e);
    void runStudy({
      storage: new SqliteStorage(store),
      spec,
      signal: controller.signal,
      skipIdle,
      onEvent: emit,
      shouldContinue: () => !run.paused,
      onPower: (samples) => this.ctx.emit('power.samples', { name: spec.name, samples }),
    })
      .catch((e: unknown) => this.ctx.emit('study.progress', { name: spec.name, kind: 'error', message: errorMessage(e) }))
      .finally(() => {
        release();
        this.running.delete(key);
        this.ctx.emit('study.progress', { name: spec.name, kind: 'finished' });
      });
    return { name: spec.name };
  }

  private onStudyEvent(name: string, run: Running, e: StudyEvent): void {
    switch (e.type) {
      case 'study-start':
        run.done = e.done;
        run.budget = e.budget;
        run.estimatedOnly = e.estimatedOnly;
        this.ctx.emit('study.progress', { name, kind: 'start', done: e.done, budget: e.budget });
        break;
      case 'idle-start':
        run.phase = 'idle baseline';
        this.ctx.emit('study.progress', { name, kind: 'phase', phase: 'idle baseline' });
        break;
      case 'trial-start':
        run.projected = null;
        run.trial = e.trial.number;
        run.phase = 'starting';
        this.ctx.emit('study.progress', { name, kind: 'trial-start', trial: e.trial.number });
        break;
      case 'trial-event':
        if (e.event.type === 'phase') {
          run.phase = e.event.phase;
          // training is over: nothing left to project
          if (e.event.phase !== 'train') run.projected = null;
          this.ctx.emit('study.progress', { name, kind: 'phase', trial: e.trialNumber, phase: e.event.phase });
        } else if (e.event.type === 'progress') {
          const p = run.projected;
          run.phase = `train (epoch ${e.event.epoch}/${e.event.epochs})${p ? ` — ${projectionText({ ...p, remainingS: remainingOf(p) })}` : ''}`;
          this.ctx.emit('study.progress', { name, kind: 'phase', trial: e.trialNumber, phase: run.phase });
        } else if (e.event.type === 'projection') {
          run.projected = liveProjection(e.event);
          run.phase = `${run.phase ?? 'train'} — ${projectionText(e.event)}`;
          this.ctx.emit('study.progress', { name, kind: 'phase', trial: e.trialNumber, phase: run.phase });
        }
        break;
      case 'trial-end':
        run.done = e.done;
        run.durations.push(e.elapsedS);
        run.phase = null;
        this.ctx.emit('study.progress', { name, kind: 'trial-end', trial: e.trial.number, done: e.done, budget: e.budget });
        break;
      case 'study-end':
        this.ctx.emit('study.progress', { name, kind: 'end', done: e.done, budget: e.budget, message: e.reason });
        break;
      default:
        break;
    }
  }

  /** The study's analysis, from the cache while its updated_at and per-state counts are those it was made at. */
  private analysis(studyId: number, summary: StudySummary, objectives: StudyView['objectives']): Analysis {
    const id = `${this.dbPath}\0${studyId}`;
    const key = `${summary.updatedAt}\0${JSON.stringify(summary.counts)}`;
    const kept = this.analyses.get(id);
    this.analyses.delete(id);
    if (kept && kept.key === key) {
      this.analyses.set(id, kept);
      return kept;
    }
    const trials: PlacedTrialRecord[] = this.store.getPlacedTrials(studyId);
    const classIds = new Set<string>();
    for (const t of trials) if (t.hardwareClass !== null) classIds.add(t.hardwareClass);
    // energy is compared only within one hardware class: over several, each has its own front
    const classes =
      classIds.size > 1
        ? hardwareClassViews(trials, objectives, new Map(this.store.getHardwareClasses(studyId).map((c) => [c.classId, c.inventory.label ?? 'inventory not recorded'])))
        : undefined;
    const made: Analysis = {
      key,
      trials,
      front: classes ? classes[0]!.front : frontTrials(trials, objectives),
      ...(classes ? { classes } : {}),
      hypervolume: hypervolumeHistory(trials, objectives),
      importance: parameterImportance(trials, objectives),
      load: this.store.otherLoad(studyId, OTHER_LOAD_SHARE),
    };
    this.analyses.set(id, made);
    for (const old of this.analyses.keys()) if (this.analyses.size > ANALYSES_KEPT) this.analyses.delete(old);
    return made;
  }

  private estimatedOnly(studyId: number, run: Running | undefined): boolean {
    return run ? run.estimatedOnly : this.store.getMeters(studyId).filter((m) => m.status === 'ok').every((m) => m.detail.startsWith('estimate'));
  }

  private studyView(name: string): StudyView {
    const study = this.store.requireStudy(name);
    const summary = this.store.getStudySummary(study.id)!;
    const a = this.analysis(study.id, summary, study.objectives);
    const run = this.running.get(this.runKey(study.name));
    const mean = run && run.durations.length ? run.durations.reduce((a, b) => a + b, 0) / run.durations.length : null;
    return {
      summary,
      objectives: study.objectives,
      target: targetName(study.spec),
      trials: a.trials,
      front: a.front,
      ...(a.classes ? { classes: a.classes } : {}),
      ...(this.remoteView() ? { remote: this.remoteView()! } : {}),
      flagged: this.flagged(study.id),
      guesses: [...this.store.validationGuesses(study.id)].map(([trial, validation]) => ({ trial, validation })),
      load: a.load,
      hypervolume: a.hypervolume,
      importance: a.importance,
      running: run
        ? {
            state: run.stopping ? 'stopping' : run.paused ? 'paused' : 'running',
            phase: run.phase,
            trial: run.trial,
            startedAt: run.startedAt,
            etaS: mean === null ? null : mean * Math.max(0, run.budget - run.done),
          }
        : null,
      estimatedOnly: this.estimatedOnly(study.id, run),
      backend: study.backend,
      spec: study.spec,
    };
  }

  /**
   * Each trial's warning kinds: its windows' flags, and `remeasure-disagrees` where its
   * re-measurements since moved more than ±20% from the figure the front and the budget pick use.
   */
  private flagged(studyId: number): StudyView['flagged'] {
    const out = new Map(this.store.flagKindsByTrial(studyId).map((f) => [f.trial, f.kinds]));
    for (const r of this.store.remeasuredByTrial(studyId)) {
      if (remeasureAgrees(r) === false) out.set(r.trial, [...(out.get(r.trial) ?? []), 'remeasure-disagrees']);
    }
    return [...out].sort((a, b) => a[0] - b[0]).map(([trial, kinds]) => ({ trial, kinds }));
  }

  private exploreView(name: string): ExploreView {
    const study = this.store.requireStudy(name);
    const summary = this.store.getStudySummary(study.id)!;
    const a = this.analysis(study.id, summary, study.objectives);
    return {
      summary,
      objectives: study.objectives,
      target: targetName(study.spec),
      inferBatchSize: inferBatchSizeOf(study.spec),
      trials: (a.columns ??= toColumns(a.trials)),
      front: a.front,
      ...(a.classes ? { classes: a.classes } : {}),
      ...(this.remoteView() ? { remote: this.remoteView()! } : {}),
      hypervolume: (a.steps ??= hypervolumeSteps(a.hypervolume)),
      importance: a.importance,
      estimatedOnly: this.estimatedOnly(study.id, this.running.get(this.runKey(study.name))),
      flagged: this.flagged(study.id),
      remeasuredMeans: [...this.store.remeasuredMeans(study.id)].map(([trial, jPerSample]) => ({ trial, jPerSample })),
      inferSpreads: [...this.store.inferSpreads(study.id)].map(([trial, rel]) => ({ trial, rel })),
      load: a.load,
    };
  }

  private trialView(name: string, number: number): TrialView {
    const study = this.store.requireStudy(name);
    const placed = this.store.getPlacedTrialByNumber(study.id, number);
    if (!placed) throw new UserError(`study "${name}" has no trial ${number}`);
    const { heartbeatMs: _, ...trial } = placed;
    const cls = trial.hardwareClass === null ? undefined : this.store.getHardwareClasses(study.id).find((c) => c.classId === trial.hardwareClass);
    return {
      trial,
      hardwareClassLabel: cls?.inventory.label ?? null,
      attrs: this.store.getTrialAttrs(trial.id),
      modelKept: keptModelDir(this.store, trial.id) !== null,
      windows: this.store.getWindows({ trialId: trial.id }).map((w) => ({
        phase: w.phase,
        startedAtMs: w.startedAtMs,
        durationS: w.durationS,
        samples: w.samples,
        domains: w.domains.map((d) => ({
          domain: d.domain,
          energyJ: d.energyJ,
          netEnergyJ: d.netEnergyJ ?? null,
          attributedEnergyJ: d.attributedEnergyJ ?? null,
          unreliable: d.unreliable ?? false,
          method: d.provenance.method,
          source: d.provenance.source,
          uncertaintyRel: d.provenance.method === 'estimated' ? d.provenance.uncertaintyRel : null,
          detail:
            d.provenance.method === 'measured'
              ? d.provenance.counter
              : `${d.provenance.model}, ±${Math.round(d.provenance.uncertaintyRel * 100)}%${d.provenance.inputs.tdpSource ? ` (${d.provenance.inputs.tdpSource})` : ''}${estimateCaveat(d.provenance.inputs)}`,
        })),
        flags: (w.flags ?? []).map((f) => ({ kind: f.kind, message: f.message })),
        cpu: w.cpu ?? null,
      })),
      power: this.store.getPowerSamples(trial.id),
    };
  }
}

interface ReportRequest {
  name: string;
  trial?: number;
  country?: string;
  pue?: number;
  trainingType?: 'pre-training' | 'fine-tuning';
  reference?: number;
  owner?: string;
  organisation?: string;
  approver?: string;
  unit?: 'inference' | '1000-inferences' | 'training-run';
  budget?: string;
}

function reportOptions(r: ReportRequest): ReportOptions {
  return {
    ...(r.trial !== undefined ? { trialNumber: r.trial } : {}),
    ...(r.country ? { country: r.country } : {}),
    ...(r.pue !== undefined ? { pue: r.pue } : {}),
    ...(r.trainingType ? { trainingType: r.trainingType } : {}),
    ...(r.reference !== undefined ? { referenceTrial: r.reference } : {}),
    ...(r.owner ? { owner: r.owner } : {}),
    ...(r.organisation ? { organisation: r.organisation } : {}),
    ...(r.approver ? { approver: r.approver } : {}),
    ...(r.unit ? { functionalUnit: r.unit } : {}),
    ...(r.budget ? { budget: r.budget } : {}),
  };
}

/** The file's first rows as written in it (1001 stays 1001), not as the trainer encodes them. */
function csvPreview(path: string): DatasetSummaryView['preview'] {
  const table = readCsvTable(path);
  return { columns: table.columns, rows: table.rows.slice(0, 5).map((r) => r.cells) };
}

/** Eight images spread over the classes, as 0–255 greyscale. */
function imagePreview(ds: Dataset): DatasetSummaryView['preview'] {
  const [height, width, channels = 1] = ds.inputShape as [number, number, number?];
  const f = ds.x.length / ds.n;
  const max = ds.x.reduce((m, v) => Math.max(m, v), 0);
  const scale = max <= 1 ? 255 : 1;
  return {
    images: Array.from({ length: Math.min(8, ds.n) }, (_, i) => {
      const row = Math.floor((i * ds.n) / Math.min(8, ds.n));
      const px = ds.x.subarray(row * f, (row + 1) * f);
      const pixels = Array.from({ length: width * height }, (_, k) => {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += px[k * channels + c]!;
        return Math.round((sum / channels) * scale);
      });
      return { label: ds.classes[ds.y[row]!]!, width, height, pixels };
    }),
  };
}

/** `name-2`, `name-3`, … : the first name no study has. */
function freeName(name: string, taken: string[]): string {
  const base = name.replace(/-\d+$/, '');
  for (let i = 2; ; i++) if (!taken.includes(`${base}-${i}`)) return `${base}-${i}`;
}

function datasetView(name: (typeof BUILTIN_DATASETS)[number]): DatasetSummaryView {
  const ds = loadDatasetSync({ builtin: name });
  const s = summarise(ds);
  const f = ds.x.length / ds.n;
  const preview: DatasetSummaryView['preview'] =
    ds.kind === 'image'
      ? {
          // one image of each class, in the classes' order, so that every class is seen
          images: ds.classes.flatMap((label, c) => {
            const row = ds.y.indexOf(c);
            return row < 0 ? [] : [{ label, width: ds.inputShape[1]!, height: ds.inputShape[0]!, pixels: Array.from(ds.x.subarray(row * f, (row + 1) * f)) }];
          }),
        }
      : {
          columns: [...ds.featureNames, 'class'],
          rows: Array.from({ length: 5 }, (_, i) => {
            const row = Math.floor((i * ds.n) / 5);
            return [...Array.from(ds.x.subarray(row * f, (row + 1) * f)), ds.classes[ds.y[row]!]!];
          }),
        };
  return { ...s, preview };
}
