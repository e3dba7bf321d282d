/** What `ecopt show` and the end of `ecopt tune` print: trials, the Pareto front, provenance. */
import { formatMetric, formatSi } from '../shared/format';
import { frontTrials } from '../shared/analysis';
import { METRICS, type TrialRecord } from '../shared/types';
import type { Store, StudyRow } from '../engine/store/store';
import { table, type TableOptions } from './table';

function paramText(t: TrialRecord): string {
  return Object.entries(t.params)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(3)) : String(v)}`)
    .join(' ');
}

/** The study's front, with its limits: the one front function the app and reports use too. */
export function frontIndices(study: StudyRow, trials: TrialRecord[]): TrialRecord[] {
  const numbers = new Set(frontTrials(trials, study.objectives));
  return trials.filter((t) => numbers.has(t.number));
}

function objectiveHeaders(study: StudyRow): string[] {
  return study.objectives.map((o) => `${METRICS[o.metric].label} ${o.direction === 'maximize' ? '↑' : '↓'}`);
}

function objectiveCells(study: StudyRow, t: TrialRecord): string[] {
  return study.objectives.map((o) => formatMetric(t.metrics[o.metric], o.unit));
}

export function trialsTable(study: StudyRow, trials: TrialRecord[], options: TableOptions = {}): string {
  const rows = trials.map((t) => [
    String(t.number),
    t.state + (t.retryOf !== null ? ' (re-run)' : ''),
    ...objectiveCells(study, t),
    formatMetric(t.metrics.train_energy_j, 'J'),
    t.failure ? `${t.failure.kind}: ${t.failure.message}` : paramText(t),
  ]);
  return table(['#', 'state', ...objectiveHeaders(study), 'train energy', 'parameters / reason'], rows, options);
}

export function frontTable(study: StudyRow, trials: TrialRecord[], options: TableOptions = {}): string {
  const front = frontIndices(study, trials).sort((a, b) => {
    const o = study.objectives[0]!;
    const d = (a.metrics[o.metric] ?? 0) - (b.metrics[o.metric] ?? 0);
    return o.direction === 'maximize' ? -d : d;
  });
  if (front.length === 0) {
    return trials.some((t) => t.state === 'complete') ? "Pareto front: no complete trial meets the study's limits yet." : 'Pareto front: no complete trials yet.';
  }
  const rows = front.map((t) => [String(t.number), ...objectiveCells(study, t), paramText(t)]);
  return `Pareto front (${front.length} of ${trials.filter((t) => t.state === 'complete').length} complete trials):\n` +
    table(['#', ...objectiveHeaders(study), 'parameters'], rows, options);
}

/** One line per energy domain: how its figures were obtained. */
export function provenanceLines(store: Store, study: StudyRow, trials: TrialRecord[]): string[] {
  const seen = new Map<string, string>();
  for (const t of trials) {
    for (const w of store.getWindows({ trialId: t.id })) {
      for (const d of w.domains) {
        if (seen.has(d.domain)) continue;
        const p = d.provenance;
        seen.set(
          d.domain,
          p.method === 'measured'
            ? `${d.domain}: measured by ${p.source} (${p.counter}${p.resolutionJ ? `, resolution ${formatSi(p.resolutionJ, 'J')}` : ''})`
            : `${d.domain}: ESTIMATED by ${p.source}, model ${p.model}, ±${Math.round(p.uncertaintyRel * 100)}% (${Object.entries(p.inputs)
                .filter(([k]) => k === 'tdpW' || k === 'tdpSource')
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')})`,
        );
      }
    }
  }
  const meters = store.getMeters(study.id);
  const lines = [...seen.values()];
  if (lines.length === 0 && meters.length) lines.push(...meters.filter((m) => m.status === 'ok').map((m) => `${m.id}: ${m.detail}`));
  const idle = store.latestIdle(study.id);
  lines.push(
    idle
      ? `idle baseline (${idle.durationS.toFixed(1)} s): ${idle.domains.map((d) => `${d.domain} ${(d.energyJ / idle.durationS).toFixed(2)} W`).join(', ')} — net figures are gross minus idle power × duration`
      : 'no idle baseline measured: figures are gross only',
  );
  const flagged = trials.flatMap((t) => store.getWindows({ trialId: t.id }).flatMap((w) => (w.flags ?? []).map((f) => `trial ${t.number} ${w.phase}: ${f.kind} — ${f.message}`)));
  if (flagged.length) lines.push(`self-check flags (${flagged.length}):`, ...flagged.map((f) => `  ⚠ ${f}`));
  return lines;
}
