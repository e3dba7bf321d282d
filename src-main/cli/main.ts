/**
 * The `ecopt` command. Exit codes: 0 ok, 1 failure, 2 bad input (a UserError: the message names
 * the thing and the fix), 130 stopped by Ctrl-C (the running trial is marked interrupted).
 */
import { Command, CommanderError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSi } from '../shared/format';
import { guessOf, testClassesText } from '../shared/analysis';
import { createMeterSet, meterVerdict } from '../engine/meters/detect';
import { REPORT_FORMATS, parseFormats, verifyReport, writeReports } from '../engine/reports/index';
import { paybackLines, studyPayback } from '../engine/reports/payback';
import type { FunctionalUnit } from '../shared/report';
import { SAMPLER_NAMES, datasetLabel, datasetText, type StudySpec } from '../shared/spec';
import { UserError, errorMessage, isUserError } from '../engine/errors';
import { datasetNotes } from '../engine/data/builtin';
import { defaultDbPath } from '../engine/paths';
import { defaultSpecPath, loadSpecFile } from '../engine/space/load-spec';
import { Store, ECOPT_VERSION } from '../engine/store/store';
import { runStudy } from '../engine/study/study';
import { SqliteStorage } from '../engine/store/sqlite-storage';
import { forecastStudy } from '../engine/study/forecast';
import { forecastDetails, forecastLine, MIN_TRIALS, notEnough } from '../shared/predictor';
import { activeRuns, describeRuns, registerRun } from '../engine/study/machine-runs';
import { exportModel } from '../engine/models/export';
import { describeChange, remeasure } from '../engine/models/remeasure';
import { budgetLines, classFrontLines, frontTable, objectivesLine, predictorLines, projectionLines, provenanceLines, trialsTable } from './present';
import { projectionCheck } from '../shared/projection-check';
import { STORAGE_HELP, fetchProvenance, withReadStorage, withSnapshot } from './storage-option';
import { addWorkerCommand } from './worker';
import { addCopyCommand } from './copy';
import { displayLocation, isDatabaseUrl } from '../engine/store/open-storage';
import { Progress } from './progress';
import { shellWord } from '../shared/shell-word';
import { table, tableWidth } from './table';

interface DbOption {
  db?: string;
  /** The same as --db, as `worker`, `show` and `studies` name it. */
  storage?: string;
}

/** `--storage` beside `--db` on the commands that read a study file: the same thing, as `show` and `worker` name it. */
const STORAGE_ALIAS = ['--storage <file|url>', 'the same as --db, or a postgresql:// URL (the study is read through a temporary copy of it)'] as const;
/** remeasure writes new measurements into the study: a file only. */
const STORAGE_FILE_ALIAS = ['--storage <file|url>', 'the same as --db (a PostgreSQL study is copied into a file first: ecopt copy)'] as const;

interface WideOption {
  wide?: boolean;
}

const WIDE_HELP = 'print tables at full width (by default they are fitted to the terminal, long cells wrapped)';

function dbPath(opts: DbOption): string {
  if (opts.db !== undefined && opts.storage !== undefined && opts.db !== opts.storage) throw new UserError('give --db or --storage, not both');
  return opts.db ?? opts.storage ?? defaultDbPath();
}

/**
 * "copy it first, `ecopt copy --from 'postgresql://…' --to study.db name`, then …": the URL as given
 * (its password hidden, and said so), as `show --budget` prints it (walk 43: the refusals said
 * "<that URL>"). Without a study name, copy takes every study there.
 */
function copyFirst(url: string, name: string | undefined, then: string): string {
  const shown = displayLocation(url);
  return `copy it first, \`${ECOPT.join(' ')} copy --from ${shellWord(shown)} --to study.db${name !== undefined ? ` ${shellWord(name)}` : ''}\`${shown !== url ? ' (your URL, with its password where it shows ***)' : ''}, then ${then}`;
}

/** remeasure, which writes into the study file, was given a PostgreSQL URL: copy it first. */
function refuseUrl(path: string, name?: string): void {
  if (!isDatabaseUrl(path)) return;
  throw new UserError(`${displayLocation(path)} is a PostgreSQL study, and this command writes into a study file: ${copyFirst(path, name, 'run this again with --db study.db')}`);
}

/**
 * Opens the study file read-only for one command, and always closes it; `name`: the study it is
 * for, where known. A PostgreSQL study is read through a temporary copy (the app's Reports screen
 * reads one so; walk 54: the terminal refused what the app did); `fn` then gets the study's name.
 */
async function withReadStore<T>(opts: DbOption, fn: (store: Store, studyName: string | undefined) => T | Promise<T>, name?: string): Promise<T> {
  const path = dbPath(opts);
  if (isDatabaseUrl(path)) return withSnapshot(path, name, fn);
  const store = new Store(path, { readonly: true });
  try {
    return await fn(store, name);
  } finally {
    store.close();
  }
}

/** The study an energy report names, if the file reads as one (verify says why where it does not). */
function reportStudyName(reportPath: string): string | undefined {
  try {
    const name = (JSON.parse(readFileSync(reportPath, 'utf8')) as { study?: { name?: unknown } } | null)?.study?.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A failure's first line, and where it goes on to quote the command's error output, the last
 * line of that (walk 50: "its last error lines:." and nothing after them).
 */
export function failureGist(message: string): string {
  const [head = '', ...rest] = message.split('\n');
  const tail = rest.map((l) => l.trim()).filter((l) => l !== '').at(-1);
  return tail === undefined ? head : `${head.replace(/ lines:$/, ' line:')} ${tail}`;
}

/**
 * The study `tune` runs: its file, or where no file has that name, the study of that name in the
 * database (walk 50: a study started in the app could not be continued from the terminal, which
 * has no file of it).
 */
function specOf(specFile: string | undefined, opts: DbOption): StudySpec {
  if (specFile === undefined || existsSync(specFile)) return loadSpecFile(specFile ?? defaultSpecPath());
  const path = dbPath(opts);
  if (!isDatabaseUrl(path) && existsSync(path)) {
    const store = new Store(path, { readonly: true });
    try {
      const study = store.findStudy(specFile);
      if (study) return study.spec;
    } finally {
      store.close();
    }
  }
  throw new UserError(`${specFile}: no such file, and no study of that name in ${displayLocation(path)}; check the path (\`${[...ECOPT, 'studies'].join(' ')}\` lists the studies there)`);
}

/** How the user started ECOpt, for the commands it suggests: `npx ecopt` when through npx (as the README says). */
const ECOPT = process.env.npm_command === 'exec' ? ['npx', 'ecopt'] : ['ecopt'];

/** `ecopt tune --plan`: the forecast for a study file, or why there is none; nothing is run or stored. */
async function planLines(path: string, spec: StudySpec, specFile: string | undefined, trialsGiven = false): Promise<string[]> {
  const head = `Plan for study "${spec.name}" (${spec.model === 'command' ? 'your training command' : `${spec.model}, ${datasetLabel(spec)}`}):`;
  // a command's cost is known only once it runs, whatever the database holds
  if (spec.model === 'command') return [head, '  no forecast for a command study: its FLOPs and parameters are known only once it runs'];
  // walk 40: "run a study first" answered the question of what that study would cost with itself
  const db = path !== defaultDbPath() ? ['--db', shellWord(path)] : [];
  const tune = [...ECOPT, 'tune', ...(specFile ? [shellWord(specFile)] : []), ...db];
  // a budget given with --trials is this plan's: the command to run it gives it again (walk 55: without it, tune ran the file's 16)
  const toBudget = trialsGiven ? [...tune, '--trials', String(spec.trials)] : tune;
  const firstSteps =
    spec.trials <= MIN_TRIALS
      ? // a study no larger than the start a forecast needs: running it is the answer (walk 54: it was told to run 8 'first' trials of 6)
        [
          `  A forecast is fitted on ${MIN_TRIALS} trials measured on this machine, and this study's budget is ${spec.trials}: running it is the quickest way to know what it costs.`,
          `  ${toBudget.join(' ')}   runs it to its budget (${spec.trials} trials); \`${[...ECOPT, 'show', shellWord(spec.name), ...db].join(' ')}\` then lists each trial's energy.`,
        ]
      : [
          `  A forecast is fitted on trials measured on this machine, so the first ones have to run. To get one after a short start:`,
          `  ${[...tune, '--trials', String(MIN_TRIALS)].join(' ')}   runs this study's first ${MIN_TRIALS} trials (those it has count) and keeps them;`,
          trialsGiven
            ? `  --plan then forecasts the whole study, and \`${toBudget.join(' ')}\` resumes it to its budget (${spec.trials} trials).`
            : `  --plan then forecasts the whole study, and the same command without --trials resumes it to its budget (${spec.trials} trials).`,
        ];
  if (!existsSync(path)) return [head, `  no forecast: ${notEnough(0)} (${path} does not exist yet)`, ...firstSteps];
  const result = await withReadStore({ db: path }, (store) => forecastStudy(store, spec));
  if (!result.ok) return [head, `  no forecast: ${result.reason}`, ...(/^not enough trials/.test(result.reason) ? firstSteps : [])];
  return [`${head} ${forecastLine(result.forecast)}`, ...forecastDetails(result.forecast).map((l) => `  ${l}`)];
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('ecopt')
    .description('Tune machine-learning models for quality and energy, with measured joules.')
    .version(ECOPT_VERSION)
    .showHelpAfterError()
    .exitOverride();

  program
    .command('tune')
    .description('run a study (the bundled digits example when no file is given); resumes a study of the same name')
    .argument('[spec]', 'study file (JSON)')
    .option('--db <path>', 'study database (default: your data folder)')
    .option('--trials <n>', 'override the trial budget', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new UserError(`--trials: expected a positive whole number, got "${v}"`);
      return n;
    })
    .option('--sampler <name>', `override the study's sampler: ${SAMPLER_NAMES.join(', ')}`, (v) => {
      if (!(SAMPLER_NAMES as readonly string[]).includes(v)) throw new UserError(`--sampler: "${v}" is not one of ${SAMPLER_NAMES.join(', ')}`);
      return v;
    })
    .option('--quiet', 'print only the final tables')
    .option('--skip-idle', 'do not measure the idle machine first (no net energy figures)')
    .option('--allow-concurrent', 'start even while another study runs on this machine (each one\'s energy then includes part of the other\'s work)')
    .option('--wide', WIDE_HELP)
    .option('--plan', 'say what the study will cost before it starts (energy and time, from the predictor fitted on this machine\'s trials), then exit without running it')
    .action(async (specFile: string | undefined, opts: DbOption & WideOption & { trials?: number; quiet?: boolean; skipIdle?: boolean; sampler?: string; allowConcurrent?: boolean; plan?: boolean }) => {
      const spec = specOf(specFile, opts);
      if (opts.plan) {
        if (opts.trials) spec.trials = opts.trials;
        if (opts.sampler) spec.sampler = { name: opts.sampler as StudySpec['sampler']['name'], options: {} };
        process.stdout.write(`${(await planLines(dbPath(opts), spec, specFile, opts.trials !== undefined)).join('\n')}\n`);
        return;
      }
      // two studies measured at once share the counters: refuse before opening anything
      const others = activeRuns().filter((r) => r.pid !== process.pid);
      if (others.length && !opts.allowConcurrent && process.env.ECOPT_ALLOW_CONCURRENT !== '1') {
        throw new UserError(
          `another study is running on this machine: ${describeRuns(others)}. Two studies at once share the machine, so each one's energy figures would include part of the other's work. Wait for it to finish, or add --allow-concurrent to start anyway`,
        );
      }
      if (opts.trials) spec.trials = opts.trials;
      if (opts.sampler) spec.sampler = { name: opts.sampler as StudySpec['sampler']['name'], options: {} };
      const path = dbPath(opts);
      // the options that decide what a resumed run does; without them `tune` falls back to the
      // study file's budget and sampler (a changed sampler is even refused as another study)
      const resumeCommand = (trials: number | undefined) =>
        [...ECOPT, 'tune', ...(specFile ? [specFile] : []), ...(opts.db ? ['--db', opts.db] : []), ...(trials ? ['--trials', String(trials)] : []), ...(opts.sampler ? ['--sampler', opts.sampler] : []), ...(opts.skipIdle ? ['--skip-idle'] : [])]
          .map(shellWord)
          .join(' ');
      const store = new Store(path);
      const controller = new AbortController();
      const progress = new Progress({ quiet: opts.quiet === true, resumeCommand });
      let stops = 0;
      const onSigint = () => {
        stops++;
        if (stops > 1) process.exit(130);
        progress.print('Stopping: the running trial will be marked interrupted and re-run on resume (Ctrl-C again to quit now).');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      try {
        progress.print(`Database: ${path}`);
        if (spec.dataset) for (const note of datasetNotes(spec.dataset)) progress.print(`Data: ${note}`);
        // trials already stored: a run that starts none (its budget spent) is not a failed run
        const existing = store.findStudy(spec.name);
        const before = existing ? store.getTrials(existing.id).length : 0;
        const release = registerRun(spec.name, path);
        const outcome = await runStudy({ storage: new SqliteStorage(store), spec, signal: controller.signal, onEvent: progress.on, skipIdle: opts.skipIdle === true }).finally(release);
        const width = { maxWidth: tableWidth(opts.wide) };
        const out = [trialsTable(outcome.study, outcome.trials, width, store.validationGuesses(outcome.study.id)), '', frontTable(outcome.study, outcome.trials, width)];
        const prov = provenanceLines(store, outcome.study, outcome.trials);
        if (prov.length) out.push('', 'Where the energy figures come from:', ...prov.map((l) => `  ${l}`));
        out.push('', `Backend: ${outcome.study.backend ?? 'none yet'} · database: ${path}`);
        process.stdout.write(`${out.join('\n')}\n`);
        if (outcome.reason === 'stopped') {
          process.stderr.write(`Stopped. Resume with: ${resumeCommand(opts.trials)}\n`);
          process.exitCode = 130;
        } else if (outcome.trials.length > before && !outcome.trials.some((t) => t.state === 'complete' || t.state === 'pruned')) {
          // nothing to show for the run: a failure, not a study done (scripts and CI see it)
          const failed = outcome.trials.filter((t) => t.state === 'failed');
          const last = failed.at(-1)?.failure?.message;
          if (failed.length) {
            // failed trials count towards the budget: where they spent it, the same command would run nothing (walk 44)
            const finished = outcome.trials.filter((t) => t.state !== 'running' && t.state !== 'queued').length;
            // a fix in the study file itself changes the stored definition, which tune refuses (walk 50: the advice led there)
            // (a study continued by its name has no file: its definition is changed by a new study)
            const file = specFile === undefined || existsSync(specFile) ? shellWord(specFile ?? defaultSpecPath()) : null;
            const renamed = file
              ? `; if the fix is in ${file} itself (its command, space or objectives), give the study a new "name" there too, since this one's definition is stored with its trials`
              : '; if the fix is in the study itself (its command, space or objectives), start a new study with it, since this one\'s definition is stored with its trials';
            const again =
              finished >= spec.trials
                ? `Fix that, then run ${resumeCommand(finished + failed.length)} (failed trials count towards the budget of ${spec.trials}, so the same command would run nothing)${renamed}.`
                : `Fix that and run the same command again${renamed}.`;
            process.stderr.write(`No trial of "${outcome.study.name}" completed: ${failed.length === 1 ? 'it' : `all ${failed.length}`} failed${last ? `, the last with: ${failureGist(last)}` : ''}. ${again}\n`);
            process.exitCode = 1;
          }
        }
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
        store.close();
      }
    });

  addWorkerCommand(program);
  addCopyCommand(program);

  program
    .command('studies')
    .description('list the studies in a database')
    .option('--db <path>', 'study database (default: your data folder)')
    .option('--storage <url-or-file>', STORAGE_HELP)
    .option('--wide', WIDE_HELP)
    .action(async (opts: DbOption & WideOption & { storage?: string }) => {
      await withReadStorage(opts.storage ?? dbPath(opts), async (storage) => {
        const rows = (await storage.listStudies()).map((s) => [
          s.name,
          `${s.counts.complete + s.counts.pruned + s.counts.failed}/${s.budget}`,
          String(s.counts.complete),
          String(s.counts.failed),
          String(s.counts.interrupted),
          s.model,
          datasetText(s.dataset),
          s.sampler,
          s.backend ?? '—',
          s.updatedAt.replace('T', ' ').slice(0, 19),
        ]);
        process.stdout.write(
          rows.length
            ? `${table(['study', 'done', 'complete', 'failed', 'interrupted', 'model', 'dataset', 'sampler', 'backend', 'updated'], rows, { maxWidth: tableWidth(opts.wide) })}\n`
            : `No studies in ${storage.location} yet. Run \`${ECOPT.join(' ')} ${storage.kind === 'postgresql' ? 'worker <study.json> --storage <this URL>' : 'tune'}\`.\n`,
        );
      });
    });

  program
    .command('show')
    .description('print a study\'s trials, its Pareto front and where its energy figures came from')
    .argument('<study>', 'study name (or id)')
    .option('--db <path>', 'study database (default: your data folder)')
    .option('--storage <url-or-file>', STORAGE_HELP)
    .option('--wide', WIDE_HELP)
    .option('--payback', 'also say whether the search paid for itself: energy saved per prediction by each front trial against a reference, and after how many predictions it repays the whole campaign')
    .option('--reference <n>', 'with --payback: the trial to compare with (default: the most accurate; for the most accurate itself, the first trial)')
    .option('--country <country>', 'with --payback: country of the electricity, for its carbon figures (ISO 3166 alpha-3 code or name; default: world average, stated as such)')
    .option('--pue <x>', 'with --payback: power usage effectiveness of the facility (≥ 1), as the report takes it (default 1)')
    .option('--projections', 'also show each trial\'s projection, made while it trained, against the energy and time it measured')
    .option('--budget <words>', 'also pick the model a budget asks for, as the explorer does: e.g. "at most 2 mJ per prediction" or "at least 95% accuracy and under 1 mJ"')
    .action(async (name: string, opts: DbOption & WideOption & { storage?: string; payback?: boolean; reference?: string; country?: string; pue?: string; projections?: boolean; budget?: string }) => {
      if (opts.reference !== undefined && !/^\d+$/.test(opts.reference)) throw new UserError(`--reference: expected a trial number, got "${opts.reference}"`);
      if (opts.country !== undefined && !opts.payback) throw new UserError('--country goes with --payback (the carbon of the payback); add --payback');
      // walk 55: the report's PUE could not be given to the payback it prints
      if (opts.pue !== undefined && !opts.payback) throw new UserError('--pue goes with --payback (the carbon of the payback); add --payback');
      if (opts.pue !== undefined && !Number.isFinite(Number(opts.pue))) throw new UserError(`--pue: "${opts.pue}" is not a number; give the facility's power usage effectiveness, e.g. --pue 1.3`);
      await withReadStorage(opts.storage ?? dbPath(opts), async (storage, store) => {
        const study = await storage.requireStudy(name);
        const trials = await storage.getTrials(study.id);
        const width = { maxWidth: tableWidth(opts.wide) };
        const source = store ?? (await fetchProvenance(storage, study, trials));
        // each trial's guess-level figure: one query of a study file, the attributes already fetched of a server's study
        const guesses = store
          ? store.validationGuesses(study.id)
          : new Map(trials.flatMap((t) => { const g = guessOf(source.getTrialAttrs(t.id), 'validation'); return g === null ? [] : [[t.number, g] as [number, number]]; }));
        const out = [
          `Study "${study.name}" · model ${study.spec.model} · data ${datasetText(datasetLabel(study.spec))} · sampler ${study.spec.sampler.name} · backend ${study.backend ?? '—'}`,
          objectivesLine(study),
          '',
          trials.length ? trialsTable(study, trials, width, guesses) : 'No trials yet.',
          '',
          // one front per hardware class when the study ran on several (a warning says so)
          ...classFrontLines(study, trials, await storage.getHardwareClasses(study.id), width),
        ];
        if (trials.some((t) => t.state === 'complete')) out.push('', ...predictorLines(trials, width));
        const prov = provenanceLines(source, study, trials);
        if (prov.length) out.push('', 'Where the energy figures come from:', ...prov.map((l) => `  ${l}`));
        if (opts.projections) {
          const checked = [];
          for (const t of trials.filter((x) => x.state === 'complete')) {
            const check = projectionCheck((await storage.getTrialAttrs(t.id)).train_projection);
            if (check) checked.push({ number: t.number, check });
          }
          out.push('', ...projectionLines(checked, width, study.spec.model === 'command'));
        }
        if (opts.budget !== undefined) {
          // the commands it prints read the same study: the file given, or the PostgreSQL database (its password hidden)
          const given = opts.storage ?? opts.db;
          const source = !store ? { url: storage.location } : given !== undefined ? { db: given } : {};
          out.push('', ...(await budgetLines(study, trials, opts.budget, ECOPT.join(' '), await storage.getHardwareClasses(study.id), source, store?.remeasuredMeans(study.id), (id) => storage.getTrialAttrs(id))));
        }
        if (opts.payback) {
          const payback = (from: Store) => paybackLines(studyPayback(from, study.name, { ...(opts.reference !== undefined ? { reference: Number(opts.reference) } : {}), ...(opts.country !== undefined ? { country: opts.country } : {}), ...(opts.pue !== undefined ? { pue: Number(opts.pue) } : {}) }));
          // a shared study's payback is worked out on a snapshot of it, as reports are
          out.push('', ...(store ? payback(store) : await withSnapshot(opts.storage ?? dbPath(opts), study.name, payback)));
        }
        process.stdout.write(`${out.join('\n')}\n`);
      });
    });

  program
    .command('report')
    .description('write the energy report of a trial: PDF, JSON, Markdown, emissions.csv, model-card block, GPAI form rows')
    .argument('<study>', 'study name (or id)')
    .option('--db <path>', 'study database (default: your data folder)')
    .option(...STORAGE_ALIAS)
    .option('--trial <n>', 'trial number (default: the most accurate complete trial, or the one --budget picks)')
    .option('--budget <words>', 'the budget the model was chosen by, e.g. "at most 2 mJ per prediction": the report says why this model (without --trial, reports the model it picks)')
    .option('--hardware-class <id>', 'for a study run on several hardware classes (`ecopt show` lists them): the class to report')
    .option('--format <list>', `comma-separated: ${REPORT_FORMATS.join(',')}`, REPORT_FORMATS.join(','))
    .option('--out <dir>', 'output folder', 'energy-report')
    .option('--country <country>', 'country of the electricity: ISO 3166 alpha-3 code or name (default: world average, stated as such)')
    .option('--intensity <g>', 'your own grid carbon intensity, gCO2e/kWh')
    .option('--pue <x>', 'power usage effectiveness of the facility (≥ 1)', '1')
    .option('--wue <l>', 'water usage effectiveness of the facility, litres per kWh (CodeCarbon\'s wue)', '0')
    .option('--unit <unit>', 'SCI functional unit: inference, 1000-inferences or training-run', '1000-inferences')
    .option('--embodied-total <g>', 'SCI embodied emissions: TE, the hardware\'s total embodied emissions, g CO2e (with --embodied-lifespan)')
    .option('--embodied-lifespan <years>', 'SCI embodied emissions: EL, the hardware\'s expected lifespan, years')
    .option('--embodied-share <x>', 'SCI embodied emissions: RR/ToR, the share of the machine reserved (0–1)', '1')
    .option('--embodied-excluded <reason>', 'why embodied emissions are left out of SCI (stated in the report)')
    .option('--training-type <type>', 'the model card\'s training_type: pre-training or fine-tuning (default: from the study)')
    .option('--reference <n>', 'the trial the payback is computed against (default: the most accurate; for the most accurate itself, the first trial: what would have been trained without tuning)')
    .option('--owner <name>', 'report owner, printed on the report and its sign-off block')
    .option('--organisation <name>', 'the owner\'s organisation')
    .option('--approver <name>', 'who reviews and approves the report (sign-off block)')
    .action(async (name: string, opts: DbOption & { trial?: string; budget?: string; hardwareClass?: string; format: string; out: string; country?: string; intensity?: string; pue: string; wue: string; unit: string; embodiedTotal?: string; embodiedLifespan?: string; embodiedShare: string; embodiedExcluded?: string; trainingType?: string; reference?: string; owner?: string; organisation?: string; approver?: string }) => {
      const num = (flag: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isFinite(n)) throw new UserError(`${flag}: expected a number, got "${v}"`);
        return n;
      };
      const units = ['inference', '1000-inferences', 'training-run'];
      if (!units.includes(opts.unit)) throw new UserError(`--unit: "${opts.unit}" is not one of ${units.join(', ')}`);
      const formats = parseFormats(opts.format);
      await withReadStore(opts, async (store, studyName) => {
        const trial = num('--trial', opts.trial);
        const intensity = num('--intensity', opts.intensity);
        const embodiedTotal = num('--embodied-total', opts.embodiedTotal);
        const embodiedLifespan = num('--embodied-lifespan', opts.embodiedLifespan);
        if ((embodiedTotal === undefined) !== (embodiedLifespan === undefined)) throw new UserError('--embodied-total and --embodied-lifespan go together: give both, or neither (embodied emissions then stated as excluded)');
        if (opts.trainingType !== undefined && !['pre-training', 'fine-tuning'].includes(opts.trainingType)) throw new UserError(`--training-type: "${opts.trainingType}" is not one of pre-training, fine-tuning`);
        const reference = num('--reference', opts.reference);
        const { report, files } = await writeReports(
          store,
          studyName ?? name,
          {
            pue: num('--pue', opts.pue)!,
            functionalUnit: opts.unit as FunctionalUnit,
            ...(trial !== undefined ? { trialNumber: trial } : {}),
            ...(opts.budget !== undefined ? { budget: opts.budget } : {}),
            ...(opts.hardwareClass ? { hardwareClass: opts.hardwareClass } : {}),
            ...(opts.country ? { country: opts.country } : {}),
            ...(intensity !== undefined ? { intensityGPerKWh: intensity } : {}),
            wue: num('--wue', opts.wue)!,
            ...(embodiedTotal !== undefined && embodiedLifespan !== undefined ? { embodied: { totalG: embodiedTotal, lifespanYears: embodiedLifespan, share: num('--embodied-share', opts.embodiedShare)! } } : {}),
            ...(opts.embodiedExcluded ? { embodiedExcludedReason: opts.embodiedExcluded } : {}),
            ...(opts.trainingType ? { trainingType: opts.trainingType as 'pre-training' | 'fine-tuning' } : {}),
            ...(reference !== undefined ? { referenceTrial: reference } : {}),
            ...(opts.owner ? { owner: opts.owner } : {}),
            ...(opts.organisation ? { organisation: opts.organisation } : {}),
            ...(opts.approver ? { approver: opts.approver } : {}),
          },
          formats,
          opts.out,
        );
        process.stdout.write(
          `Energy report for "${report.study.name}", trial ${report.trial.number}${trial === undefined ? (report.selection ? ` (the model the budget picks)` : ` (${report.trial.metrics.accuracy !== undefined ? 'the most accurate' : report.trial.metrics.rmse !== undefined ? 'the most accurate: lowest RMSE' : 'the first complete trial'}; \`--trial <n>\` reports another, e.g. the one you chose in the app)`) : ''}: training ${formatSi(report.training.energyJ, 'J')}${report.training.energyKWh >= 1 ? ` = ${report.training.energyMWh2sf} MWh` : ''} (${report.training.method}), ` +
            `inference ${report.inference ? `${formatSi(report.inference.jPerSample, 'J')} per prediction (${report.inference.method})` : 'not applicable (no inference benchmark; per training run)'}, ${report.emissions.country}${report.emissions.origin === 'world-fallback' ? ' (world fallback: give --country)' : ''}\n` +
            `Developing the model (the whole campaign): ${formatSi(report.campaign.energyJ, 'J')}, ${(report.campaign.prunedOrFailedShare * 100).toFixed(1)}% of it on pruned or failed trials\n` +
            (report.payback ? `${report.payback.sentence}\n` : '') +
            files.map((f) => `  ${f}`).join('\n') +
            '\n',
        );
      }, name);
    });

  program
    .command('verify')
    .description('check that an energy report still matches the measurements in the study database')
    .argument('<report>', 'the energy-report.json written by ecopt report')
    .option('--db <path>', 'study database (default: your data folder)')
    .option(...STORAGE_ALIAS)
    .option('--all', 'list every field that differs, not the first few')
    .action(async (reportPath: string, opts: DbOption & { all?: boolean }) => {
      const path = dbPath(opts);
      if (opts.db === undefined && opts.storage === undefined && !existsSync(path)) {
        throw new UserError(`no study database in your data folder (${path}): give the one the report was written from, \`${ECOPT.join(' ')} verify ${reportPath} --db <file>\`, or for a shared study its database, \`--storage <postgresql://…>\``);
      }
      // a shared study is looked up on its server, by the name the report gives, so that a study not
      // there is said to be missing from the database, not from a temporary copy
      const named = isDatabaseUrl(path) ? reportStudyName(reportPath) : undefined;
      await withReadStore(opts, async (store) => {
        const v = verifyReport(store, reportPath);
        if (v.ok) {
          process.stdout.write(`OK: ${reportPath} matches the measurements in ${displayLocation(path)}.\n`);
          if (v.reworded.length) {
            const listed = v.reworded.slice(0, 8).join(', ') + (v.reworded.length > 8 ? `, and ${v.reworded.length - 8} more` : '');
            process.stdout.write(`  This ECOpt words ${v.reworded.length === 1 ? 'one sentence' : `${v.reworded.length} sentences`} otherwise, with the same figures and provenance (${listed}); write the report again for the current wording.\n`);
          }
          if (v.added.length) process.stdout.write(`  This ECOpt also states ${v.added.join(', ')}, which the report (written by an earlier ECOpt) does not; write the report again to include it.\n`);
        } else {
          process.stdout.write(`MISMATCH: ${reportPath} no longer matches ${displayLocation(path)}:\n${(opts.all ? v.allProblems : v.problems).map((p) => `  - ${p}`).join('\n')}\n`);
          // what it means for the filed report (walk 45: one more trial, 32 fields, no verdict)
          const d = v.verdict;
          if (d) {
            const grew = d.trialsNow !== d.trialsThen ? `the study has changed since the report was written (${d.trialsThen} trials then, ${d.trialsNow} now, in every state)` : 'the study\'s stored measurements have changed since the report was written';
            // the same study the verify read: its file, or its database (walk 56: the command left out --storage)
            const where = opts.storage !== undefined ? ` --storage ${shellWord(displayLocation(opts.storage))}` : opts.db !== undefined ? ` --db ${shellWord(opts.db)}` : '';
            const report = `${ECOPT.join(' ')} report ${shellWord(v.study)}${where}`;
            const b = d.budget;
            const again = b
              ? `The budget "${b.words}" the report was written for now picks ${b.pickedNow === null ? 'no model' : `#${b.pickedNow}`}, not #${v.trial}: ${b.pickedNow === null ? '' : `\`${report} --budget ${shellWord(b.words)}\` reports #${b.pickedNow} and says why, or `}\`${report} --trial ${v.trial}\` (without --budget) reports #${v.trial} again, each with the other options you gave.`
              : `Write the report again for current ones: ${report} --trial ${v.trial} with the options you gave.`;
            process.stdout.write(
              d.modelMatches
                ? `In short: this model's own figures (its training and inference energy, emissions, quality and weights) still match; ${grew}, so the study-wide figures (the campaign, its emissions, the payback, the trade-off) are out of date. ${again}\n`
                : `In short: this model's own figures no longer match the database (above): the report was edited, or its measurements changed. Do not file it as it is: find out why, and write the report again.\n`,
            );
          }
          process.exitCode = 1;
        }
      }, named);
    });

  program
    .command('export')
    .description('take a trained model away: the model (TensorFlow.js format, with its preprocessing; or, for a command study, what its command handed back), the study file and a model card, in one folder')
    .argument('<study>', 'study name')
    .option('--trial <n>', 'trial number (default: the most accurate trial with a kept model)')
    .option('--out <dir>', 'output folder (default: <study>-trial-<n>)')
    .option('--db <path>', 'study database (default: your data folder)')
    .option(...STORAGE_ALIAS)
    .action(async (name: string, opts: DbOption & { trial?: string; out?: string }) => {
      await withReadStore(opts, async (store, studyName = name) => {
        const trial = opts.trial === undefined ? undefined : Number(opts.trial);
        if (trial !== undefined && !(Number.isInteger(trial) && trial >= 0)) throw new UserError(`--trial: expected a trial number, got "${opts.trial}"`);
        const r = exportModel(store, studyName, opts.out ?? ((n) => `${studyName}-trial-${n}`), trial);
        // the files, a class's sample images counted rather than listed one by one
        const listed = r.files.filter((f) => !/[\\/]samples[\\/]/.test(f));
        const samples = r.files.length - listed.length;
        const tryOn = samples ? join(r.dir, 'samples') : listed.find((f) => f.endsWith('test-rows.csv'));
        if (r.note) process.stderr.write(`Note: ${r.note}.\n`);
        process.stdout.write(
          `Trial ${r.trial} of "${studyName}" exported to ${r.dir}:\n${listed.map((f) => `  ${f}`).join('\n')}\n${samples ? `  ${join(r.dir, 'samples')}/ (${samples} held-out test images, a folder per class)\n` : ''}` +
            (r.kind === 'command'
              ? `This is what the study's command handed back, in its own format: load it with your script. ${join(r.dir, 'model-card.md')} has the command line that made it.\n`
              : `Use it: ${ECOPT.join(' ')} predict ${r.dir} ${tryOn ?? '<rows.csv | image folder>'} --out predictions.csv\n`),
        );
      }, name);
    });

  program
    .command('remeasure')
    .description("measure a study's kept models' inference energy again, K times each, to confirm the front before choosing")
    .argument('<study>', 'study name')
    .option('--trial <n...>', 'trial numbers (default: the Pareto front)')
    .option('--front', 'the Pareto front (the default)')
    .option('--repeats <k>', 'measurements per trial', '3')
    .option('--db <path>', 'study database (default: your data folder)')
    .option(...STORAGE_FILE_ALIAS)
    .option('--allow-concurrent', "measure even while a study runs on this machine (the new figures then include part of its work)")
    .action(async (name: string, opts: DbOption & { trial?: string[]; front?: boolean; repeats: string; allowConcurrent?: boolean }) => {
      const others = activeRuns().filter((r) => r.pid !== process.pid);
      if (others.length && !opts.allowConcurrent && process.env.ECOPT_ALLOW_CONCURRENT !== '1') {
        throw new UserError(
          `a study is running on this machine: ${describeRuns(others)}. Measured beside it, each model's energy would include part of its work. Wait for it to finish, or add --allow-concurrent to measure anyway`,
        );
      }
      const repeats = Number(opts.repeats);
      if (!Number.isInteger(repeats) || repeats < 1) throw new UserError(`--repeats: expected a positive whole number, got "${opts.repeats}"`);
      const trials = opts.trial?.map((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new UserError(`--trial: expected trial numbers, got "${v}"`);
        return n;
      });
      if (trials && opts.front) throw new UserError('give either --trial or --front, not both');
      refuseUrl(dbPath(opts), name);
      const store = new Store(dbPath(opts));
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      // a re-measurement is a run too: a study started meanwhile is warned about it
      const release = registerRun(name, dbPath(opts));
      try {
        const rows = await remeasure(store, name, {
          ...(trials ? { trials } : {}),
          repeats,
          signal: controller.signal,
          onProgress: (t, k, j) => process.stderr.write(`trial ${t}, measurement ${k}/${repeats}: ${formatSi(j, 'J')} per prediction\n`),
        });
        process.stdout.write(
          `${table(
            ['#', 'first measured', 'measured again', 'change', 'spread'],
            rows.map((r) => [
              String(r.trial),
              r.originalJ === null ? '—' : formatSi(r.originalJ, 'J'),
              r.againJ.map((j) => formatSi(j, 'J')).join(', '),
              describeChange(r),
              r.spreadRel.map((x) => (x === null ? '—' : `±${(x * 100).toFixed(0)}%`)).join(', '),
            ]),
          )}\nThe new measurements are stored with each trial (\`${ECOPT.join(' ')} show ${name}\`); the trials' own figures are unchanged.\n`,
        );
      } finally {
        release();
        process.removeListener('SIGINT', stop);
        store.close();
      }
    });

  program
    .command('predict')
    .description('apply an exported model to new rows of a CSV file (the training columns) or to a folder of images')
    .argument('<model>', 'the folder `ecopt export` wrote')
    .argument('<input>', 'a CSV file with the training file\'s columns (the target column optional: then the model is scored), or a folder of images')
    .addOption(new Option('--out <file>', 'where to write the predictions (a file given here is replaced)').default('predictions.csv', 'predictions.csv, never replaced'))
    .option('--skip', 'predict the rows (images) the model can take and list the others, with why, in the output\'s "problem" column, instead of refusing the whole input')
    .action(async (modelDir: string, input: string, opts: { out: string; skip?: boolean }, command: Command) => {
      if (!existsSync(input)) throw new UserError(`${input}: no such file or folder; give the CSV file or image folder to predict`);
      // the default name may be someone's earlier predictions: replaced only when named with --out
      if (command.getOptionValueSource('out') === 'default' && existsSync(opts.out)) {
        throw new UserError(`${opts.out} already exists here; give --out <file> to write elsewhere, or --out ${opts.out} to replace it`);
      }
      // TensorFlow.js and sharp load with the command that needs them, not with every command
      const { predict } = await import('../engine/models/predict');
      const r = await predict(modelDir, input, opts.out, { skip: opts.skip === true });
      const score = r.score ? ` ${r.score.metric === 'accuracy' ? `Accuracy on the ${r.score.n} labelled inputs: ${(r.score.value * 100).toFixed(2)}%` : `RMSE on the ${r.score.n} inputs with a target: ${Number(r.score.value.toPrecision(4))}`}.` : '';
      process.stdout.write(`${r.rows} prediction(s) written to ${r.out} (${r.backend} backend).${score}\n`);
      // class by class where there are several (walk 49: the scratches missed were the ones that mattered)
      if (r.classes && r.classes.length > 1) process.stdout.write(`Right, class by class: ${testClassesText(r.classes)}.\n`);
      if (r.refused.length) {
        process.stderr.write(
          `Not predicted (--skip): ${r.refused.length} input(s) the model cannot take, written with an empty prediction and why in the "problem" column: ${r.refused.slice(0, 5).join('; ')}${r.refused.length > 5 ? `; and ${r.refused.length - 5} more` : ''}\n`,
        );
      }
      for (const w of r.warnings) process.stderr.write(`Warning: ${w}\n`);
    });

  program
    .command('serve')
    .description('serve the app to a browser on this machine (loopback only, guarded by a random token in the URL)')
    .option('--db <path>', 'study database (default: your data folder)')
    // the default in words: commander would print its value too ("(default: \"0\")")
    .addOption(new Option('--port <n>', 'port').default('0', 'any free port'))
    .action(async (opts: DbOption & { port: string }) => {
      const [{ ensureRendererBuilt }, { serve }] = await Promise.all([import('../api/renderer-build'), import('../api/http-server')]);
      const dir = await ensureRendererBuilt((m) => process.stderr.write(`${m}\n`));
      const served = await serve({ rendererDir: dir, port: Number(opts.port), ...(opts.db ? { dbPath: opts.db } : {}) });
      process.stdout.write(`ECOpt is at ${served.url}\n(only this machine can reach it; the token in the URL is required; Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void served.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stderr.write('ECOpt stopped: the address above no longer answers.\n');
    });

  program
    .command('meters')
    .description('list every energy source on this machine, what it covers, its status and the fix for each problem; then a live reading')
    .option('--seconds <n>', 'length of the live reading', '5')
    .option('--wide', WIDE_HELP)
    .action(async (opts: WideOption & { seconds: string }) => {
      const seconds = Number(opts.seconds);
      if (!Number.isFinite(seconds) || seconds < 0) throw new UserError(`--seconds: expected a number of seconds, got "${opts.seconds}"`);
      const { set, report, estimatedOnly } = createMeterSet();
      const rows = report.map((r) => [r.id, r.status, r.domains.join(', ') || '—', r.detail]);
      process.stdout.write(`Energy sources on this machine:\n${table(['source', 'status', 'covers', 'detail / fix'], rows, { maxWidth: tableWidth(opts.wide) })}\n\n${meterVerdict({ report, estimatedOnly })}\n`);
      if (seconds > 0) {
        process.stdout.write(`\nLive reading (${seconds} s, polled every ${set.pollMs} ms):\n`);
        set.start();
        set.begin('live');
        for (let i = 1; i <= Math.ceil(seconds); i++) {
          await new Promise((r) => setTimeout(r, Math.min(1, seconds - (i - 1)) * 1000));
          const w = set.meters.flatMap((m) =>
            Object.entries(m.powerW()).map(([d, p]) => `${d} ${p.toFixed(1)} W (${m.provenance(d).method})`),
          );
          process.stdout.write(`  ${String(i).padStart(3)} s  ${w.join('  ')}\n`);
        }
        const win = set.end('live', 'idle');
        set.stop();
        process.stdout.write(
          `  over ${win.durationS.toFixed(1)} s: ${win.domains.map((d) => `${d.domain} ${formatSi(d.energyJ, 'J')} (${d.provenance.method})`).join(', ')}\n`,
        );
        for (const f of win.flags ?? []) process.stdout.write(`  ⚠ ${f.kind}: ${f.message}\n`);
      } else {
        set.stop();
      }
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return 0;
      return 2;
    }
    if (isUserError(e)) {
      process.stderr.write(`ecopt: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`ecopt: ${errorMessage(e)}\n${e instanceof Error && process.env.ECOPT_DEBUG ? `${e.stack}\n` : ''}`);
    return 1;
  }
}
