/**
 * The `ecopt` command. Exit codes: 0 ok, 1 failure, 2 bad input (a UserError: the message names
 * the thing and the fix), 130 stopped by Ctrl-C (the running trial is marked interrupted).
 */
import { Command, CommanderError } from 'commander';
import { formatDuration, formatMetric } from '../shared/format';
import { METRICS } from '../shared/types';
import { UserError, errorMessage, isUserError } from '../engine/errors';
import { defaultDbPath } from '../engine/paths';
import { defaultSpecPath, loadSpecFile } from '../engine/space/load-spec';
import { Store, ECOPT_VERSION } from '../engine/store/store';
import { runStudy, type StudyEvent } from '../engine/study/study';
import { frontTable, provenanceLines, trialsTable } from './present';
import { table } from './table';

interface DbOption {
  db?: string;
}

function dbPath(opts: DbOption): string {
  return opts.db ?? defaultDbPath();
}

class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private durations: number[] = [];
  private line = '';
  private phase = '';
  private done = 0;
  private budget = 0;
  private last = '';

  constructor(private readonly quiet: boolean) {}

  private render(): void {
    if (this.quiet) return;
    const width = 24;
    const filled = this.budget ? Math.round((this.done / this.budget) * width) : 0;
    const mean = this.durations.length ? this.durations.reduce((a, b) => a + b, 0) / this.durations.length : NaN;
    const eta = Number.isFinite(mean) ? ` · ETA ${formatDuration(mean * (this.budget - this.done))}` : '';
    const text = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${this.done}/${this.budget} trials${eta}${this.phase ? ` · ${this.phase}` : ''}${this.last ? ` · last: ${this.last}` : ''}`;
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${text.slice(0, (process.stderr.columns ?? 120) - 1)}`);
      this.line = text;
    }
  }

  print(msg: string): void {
    if (this.quiet) return;
    if (this.tty && this.line) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`${msg}\n`);
    this.render();
  }

  on = (e: StudyEvent): void => {
    switch (e.type) {
      case 'study-start':
        this.done = e.done;
        this.budget = e.budget;
        this.print(
          `${e.resumed ? 'Resuming' : 'Starting'} study "${e.study.name}": ${e.done}/${e.budget} trials done` +
            (e.recovered ? `, ${e.recovered} interrupted trial(s) will be re-run` : ''),
        );
        for (const m of e.meters) this.print(`  meter ${m.id} (${m.domains.join(', ')}): ${m.status} — ${m.detail}`);
        if (e.meters.every((m) => !m.detail.startsWith('measured'))) {
          this.print('  Energy figures in this study are ESTIMATED, not measured: no hardware energy counter is readable here.');
        }
        break;
      case 'trial-start':
        this.phase = `trial ${e.trial.number}${e.retryOf !== null ? ` (re-run of ${e.retryOf})` : ''} starting`;
        this.render();
        break;
      case 'trial-event':
        if (e.event.type === 'phase') this.phase = `trial ${e.trialNumber} ${e.event.phase}`;
        if (e.event.type === 'progress') this.phase = `trial ${e.trialNumber} train epoch ${e.event.epoch}/${e.event.epochs}`;
        this.render();
        break;
      case 'trial-end': {
        this.done = e.done;
        this.durations.push(e.elapsedS);
        const t = e.trial;
        this.last =
          t.state === 'complete'
            ? `#${t.number} acc ${formatMetric(t.metrics.accuracy, 'fraction')}, ${formatMetric(t.metrics.infer_energy_j_per_sample, 'J')}/sample`
            : `#${t.number} ${t.state}`;
        this.phase = '';
        if (!this.tty || t.state !== 'complete') {
          this.print(
            `trial ${t.number}: ${t.state}` +
              (t.state === 'complete'
                ? ` — accuracy ${formatMetric(t.metrics.accuracy, 'fraction')}, inference ${formatMetric(t.metrics.infer_energy_j_per_sample, 'J')}/sample, training ${formatMetric(t.metrics.train_energy_j, 'J')} (${formatDuration(e.elapsedS)})`
                : t.failure
                  ? ` — ${t.failure.message}`
                  : ''),
          );
        } else {
          this.render();
        }
        break;
      }
      case 'study-end':
        if (this.tty && this.line) process.stderr.write('\n');
        this.line = '';
        break;
    }
  };
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
    .option('--quiet', 'print only the final tables')
    .action(async (specFile: string | undefined, opts: DbOption & { trials?: number; quiet?: boolean }) => {
      const spec = loadSpecFile(specFile ?? defaultSpecPath());
      if (opts.trials) spec.trials = opts.trials;
      const path = dbPath(opts);
      const store = new Store(path);
      const controller = new AbortController();
      const progress = new Progress(opts.quiet === true);
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
        progress.print(`Study file: ${path}`);
        const outcome = await runStudy({ store, spec, signal: controller.signal, onEvent: progress.on });
        const out = [trialsTable(outcome.study, outcome.trials), '', frontTable(outcome.study, outcome.trials)];
        const prov = provenanceLines(store, outcome.study, outcome.trials);
        if (prov.length) out.push('', 'Where the energy figures come from:', ...prov.map((l) => `  ${l}`));
        out.push('', `Backend: ${outcome.study.backend ?? 'none yet'} · database: ${path}`);
        process.stdout.write(`${out.join('\n')}\n`);
        if (outcome.reason === 'stopped') {
          process.stderr.write(`Stopped. Resume with: ecopt tune${specFile ? ` ${specFile}` : ''}${opts.db ? ` --db ${opts.db}` : ''}\n`);
          process.exitCode = 130;
        }
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
        store.close();
      }
    });

  program
    .command('studies')
    .description('list the studies in a database')
    .option('--db <path>', 'study database (default: your data folder)')
    .action((opts: DbOption) => {
      const store = new Store(dbPath(opts), { readonly: true });
      try {
        const rows = store.listStudies().map((s) => [
          s.name,
          `${s.counts.complete + s.counts.pruned + s.counts.failed}/${s.budget}`,
          String(s.counts.complete),
          String(s.counts.failed),
          String(s.counts.interrupted),
          s.model,
          s.dataset,
          s.sampler,
          s.backend ?? '—',
          s.updatedAt.replace('T', ' ').slice(0, 19),
        ]);
        process.stdout.write(
          rows.length
            ? `${table(['study', 'done', 'complete', 'failed', 'interrupted', 'model', 'dataset', 'sampler', 'backend', 'updated'], rows)}\n`
            : `No studies in ${store.path} yet. Run \`ecopt tune\`.\n`,
        );
      } finally {
        store.close();
      }
    });

  program
    .command('show')
    .description('print a study\'s trials, its Pareto front and where its energy figures came from')
    .argument('<study>', 'study name (or id)')
    .option('--db <path>', 'study database (default: your data folder)')
    .action((name: string, opts: DbOption) => {
      const store = new Store(dbPath(opts), { readonly: true });
      try {
        const study = store.requireStudy(name);
        const trials = store.getTrials(study.id);
        const objectives = study.objectives
          .map((o) => `${METRICS[o.metric].label} (${o.unit}) ${o.direction}${o.threshold !== undefined ? `, limit ${o.threshold}` : ''}`)
          .join('; ');
        const out = [
          `Study "${study.name}" · model ${study.spec.model} · dataset ${study.spec.dataset.builtin} · sampler ${study.spec.sampler.name} · backend ${study.backend ?? '—'}`,
          `Objectives: ${objectives}`,
          '',
          trials.length ? trialsTable(study, trials) : 'No trials yet.',
          '',
          frontTable(study, trials),
        ];
        const prov = provenanceLines(store, study, trials);
        if (prov.length) out.push('', 'Where the energy figures come from:', ...prov.map((l) => `  ${l}`));
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        store.close();
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
