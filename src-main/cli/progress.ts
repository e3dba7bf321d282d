/** What `ecopt tune` writes to stderr while a study runs: messages, and on a terminal one live line. */
import { formatDuration, formatMetric, liveProjection, projectedEnergyText, projectionText, remainingOf, type LiveProjection } from '../shared/format';
import { qualityText } from '../shared/analysis';
import type { StudyEvent } from '../engine/study/study';

export interface ProgressState {
  done: number;
  budget: number;
  /** Estimated seconds left; null before any trial has finished. */
  etaS: number | null;
  phase: string;
  /** The phase in a few characters ("#3 epoch 2/10"), for a narrow terminal. */
  phaseShort?: string;
  last: string;
  /** The running trial's projection while it trains, once made; the time left counts down from it. */
  projection?: LiveProjection | null;
}

/** The projection's words, longest first: what a narrower line falls back to. */
function projectionWords(p: LiveProjection, nowMs: number): string[] {
  const remainingS = remainingOf(p, nowMs);
  const energy = projectedEnergyText(p);
  const left = remainingS < 0.5 ? '<1s left' : `~${formatDuration(remainingS)} left`;
  return [projectionText({ ...p, remainingS }), `projected ${energy}, ${left}`, `~${energy}`];
}

const SEP = ' · ';
const BAR = 24;

function bar(done: number, budget: number, width: number): string {
  if (width <= 0) return '';
  const share = budget > 0 ? Math.min(1, done / budget) : 0;
  const filled = Math.round(share * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] `;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : width <= 1 ? '' : `${text.slice(0, width - 1)}…`;
}

/**
 * The live line, at most `width` characters: a terminal wraps a longer one and `\r` then redraws
 * only its last row, so the parts that matter least give way first — the last result, the
 * phase's and the projection's long words ("#3 epoch 2/10", "~120 J ± 12 J"), the ETA, the
 * phase, and the bar — rather than cutting mid-word. The projection's time left counts down
 * from when it was made.
 */
export function progressLine(s: ProgressState, width: number, nowMs = Date.now()): string {
  const count = `${Math.min(s.done, s.budget)}/${s.budget} trials${s.done > s.budget ? ` (${s.done} done)` : ''}`;
  const eta = s.etaS !== null && s.done < s.budget ? `ETA ${formatDuration(s.etaS)}` : '';
  const last = s.last ? `last: ${s.last}` : '';
  const join = (parts: string[]) => parts.filter(Boolean).join(SEP);
  const projected = s.projection ? projectionWords(s.projection, nowMs) : [''];
  const short = s.phaseShort ?? s.phase;
  const heads = [BAR, 12].map((w) => `${bar(s.done, s.budget, w)}${count}`);
  for (const head of heads) {
    const full = join([head, eta, s.phase, projected[0]!, last]);
    if (full.length <= width) return full;
    // the projection's figures outlast the last result, the phase's long words, their own and the ETA
    for (const line of projected.flatMap((p) => [join([head, eta, s.phase, p]), join([head, eta, short, p])])) if (line.length <= width) return line;
  }
  for (const head of heads) if (join([head, short, projected.at(-1)!]).length <= width) return join([head, short, projected.at(-1)!]);
  for (const head of heads) {
    const room = width - join([head, eta]).length - SEP.length;
    // a phase cut to a few characters says nothing; drop it instead
    if (s.phase && room >= 12) return join([head, eta, clip(s.phase, room)]);
    if (join([head, eta]).length <= width) return join([head, eta]);
    if (head.length <= width) return head;
  }
  return clip(count, width);
}

export interface ProgressOptions {
  quiet: boolean;
  /** The command that continues this study with a given budget, for the "nothing to run" hint. */
  resumeCommand: (trials: number) => string;
  /** The stream to write to; its `isTTY` and `columns` decide whether a live line is drawn. */
  stream?: NodeJS.WriteStream;
}

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private durations: number[] = [];
  private drawn = false;
  /** Nothing to draw before the study says how many trials it has: a "0/0" frame is noise. */
  private started = false;
  private state: ProgressState = { done: 0, budget: 0, etaS: null, phase: '', last: '' };

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
  }

  private width(): number {
    // one column short of the edge: writing the last column makes some terminals wrap at once
    return Math.max(20, (this.stream.columns || 100) - 1);
  }

  private render(): void {
    if (this.options.quiet || !this.tty || !this.started) return;
    const mean = this.durations.length ? this.durations.reduce((a, b) => a + b, 0) / this.durations.length : NaN;
    const etaS = Number.isFinite(mean) ? mean * Math.max(0, this.state.budget - this.state.done) : null;
    this.stream.write(`\r\x1b[2K${progressLine({ ...this.state, etaS }, this.width())}`);
    this.drawn = true;
  }

  print(msg: string): void {
    if (this.options.quiet) return;
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(`${msg}\n`);
    this.render();
  }

  on = (e: StudyEvent): void => {
    const s = this.state;
    switch (e.type) {
      case 'study-start':
        s.done = e.done;
        s.budget = e.budget;
        this.print(
          `${e.resumed ? 'Resuming' : 'Starting'} study "${e.study.name}": ${e.done}/${e.budget} trials done` +
            (e.budgetFrom !== null ? ` (budget ${e.budgetFrom > e.budget ? 'lowered' : 'raised'} from ${e.budgetFrom})` : '') +
            (e.recovered ? `, ${e.recovered} interrupted trial(s) will be re-run` : ''),
        );
        if (e.done >= e.budget) {
          this.print(
            `The study "${e.study.name}" already has ${e.done} finished trials, its budget is ${e.budget}: nothing to run. ` +
              `To run more, raise the budget: ${this.options.resumeCommand(e.done + 1)}`,
          );
          break;
        }
        this.started = true;
        for (const m of e.meters.filter((x) => x.status === 'ok')) this.print(`  meter ${m.id} (${m.domains.join(', ')}): ${m.detail}`);
        if (e.estimatedOnly) {
          this.print('  Energy figures in this study are ESTIMATED, not measured: no hardware energy counter is readable here (`ecopt meters` says why).');
        }
        break;
      case 'idle-start':
        s.phase = `measuring the idle machine for ${e.seconds} s (keep it quiet; --skip-idle skips)`;
        this.print(`Measuring the idle machine for ${e.seconds} s, so energy can be reported net of idle…`);
        break;
      case 'idle-end':
        s.phase = '';
        s.phaseShort = undefined;
        this.print(`  idle power: ${Object.entries(e.powerW).map(([d, w]) => `${d} ${w.toFixed(1)} W`).join(', ')}${e.underLoad ? ` — not idle: ${e.underLoad}` : ''}`);
        break;
      case 'trial-start':
        s.projection = null;
        s.phaseShort = undefined;
        s.phase = `trial ${e.trial.number}${e.retryOf !== null ? ` (re-run of ${e.retryOf})` : ''} starting`;
        this.render();
        break;
      case 'trial-event':
        if (e.event.type === 'phase') {
          s.phase = `trial ${e.trialNumber} ${e.event.phase}`;
          s.phaseShort = `#${e.trialNumber} ${e.event.phase}`;
          // training is over: its projection has nothing left to count down
          if (e.event.phase !== 'train') s.projection = null;
        }
        if (e.event.type === 'progress') {
          s.phase = `trial ${e.trialNumber} train epoch ${e.event.epoch}/${e.event.epochs}`;
          s.phaseShort = `#${e.trialNumber} epoch ${e.event.epoch}/${e.event.epochs}`;
        }
        if (e.event.type === 'projection') {
          s.projection = liveProjection(e.event);
          if (!this.tty) this.print(`trial ${e.trialNumber}: ${projectionText(e.event)}`);
        }
        this.render();
        break;
      case 'trial-end': {
        s.done = e.done;
        s.projection = null;
        s.phaseShort = undefined;
        this.durations.push(e.elapsedS);
        const t = e.trial;
        s.last =
          t.state === 'complete'
            ? `#${t.number} ${qualityText(t.metrics, true) ?? 'acc —'}, ${formatMetric(t.metrics.infer_energy_j_per_sample, 'J')}/prediction`
            : `#${t.number} ${t.state}`;
        s.phase = '';
        if (!this.tty || t.state !== 'complete') {
          this.print(
            `trial ${t.number}: ${t.state}` +
              (t.state === 'complete'
                ? ` — ${qualityText(t.metrics) ?? 'accuracy —'}, inference ${formatMetric(t.metrics.infer_energy_j_per_sample, 'J')} per prediction, training ${formatMetric(t.metrics.train_energy_j, 'J')} (the trial took ${formatDuration(e.elapsedS)} in all)`
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
        if (this.drawn) this.stream.write('\n');
        this.drawn = false;
        this.started = false;
        break;
    }
  };
}
