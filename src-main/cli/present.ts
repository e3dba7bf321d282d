/** What `ecopt show` and the end of `ecopt tune` print: trials, the Pareto front, provenance. */
import { formatMetric, formatSi, projectedEnergyText } from '../shared/format';
import { batchingText, frontTrials, GUESS_MARK_NOTE, guessMark, noModelText, pickByBudget, pickComparisons, pickTestText, studyQuality } from '../shared/analysis';
import { parseBudget } from '../shared/budget';
import { inferBatchSizeOf, targetName, targetUnitsText } from '../shared/spec';
import { estimateCaveat, OTHER_LOAD_SHARE } from '../shared/meter-words';
import { comparisonChecks } from '../shared/remeasure';
import { UserError } from '../engine/errors';
import { shellWord } from '../shared/shell-word';
import { describeCorrelation, energyPredictors } from '../shared/correlation';
import { crossClassAgreement } from '../shared/cross-class';
import { METRICS, type EnergyWindow, type TrialRecord } from '../shared/types';
import type { Store, StudyRow } from '../engine/store/store';
import { table, wrap, type TableOptions } from './table';
import { projectionSummary, signedPercent, type ProjectionCheck } from '../shared/projection-check';

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

/**
 * "Objectives: Accuracy (%) maximize; …", each in the unit the tables below print it in (an
 * accuracy stored as a fraction is printed as a percentage), its limit too.
 */
export function objectivesLine(study: Pick<StudyRow, 'objectives'> & { spec?: Pick<StudyRow['spec'], 'dataset'> }): string {
  // an RMSE's unit is its target column's (walk 45: "(target units)" told a filer nothing)
  const shown = (unit: string) => (unit === 'fraction' ? '%' : unit === 'target units' ? targetUnitsText(study.spec ? targetName(study.spec) : null).replace(/^in the /, '') : unit);
  return `Objectives: ${study.objectives
    .map((o) => `${METRICS[o.metric].label} (${shown(o.unit)}) ${o.direction}${o.threshold !== undefined ? `, limit ${formatMetric(o.threshold, o.unit)}` : ''}`)
    .join('; ')}`;
}

function objectiveCells(study: StudyRow, t: TrialRecord, guesses: ReadonlyMap<number, number> = new Map()): string[] {
  return study.objectives.map((o) => {
    const mark = o.metric === 'accuracy' ? guessMark(t.metrics.accuracy, guesses.get(t.number)) : null;
    return formatMetric(t.metrics[o.metric], o.unit) + (mark ? ` ${mark}` : '');
  });
}

/** The host a trial ran on, where the storage recorded one (studies run by `ecopt worker`). */
function hostOf(t: TrialRecord): string | null {
  return (t as TrialRecord & { host?: string | null }).host ?? null;
}

/** Whether a study's trials ran on more than one host: `show` then names each trial's host. */
export function spansHosts(trials: readonly TrialRecord[]): boolean {
  return new Set(trials.map(hostOf).filter((h) => h !== null)).size > 1;
}

/** `guesses`: what always answering the most frequent class scores on each trial's validation examples (Store.validationGuesses); a trial near it is marked. */
export function trialsTable(study: StudyRow, trials: TrialRecord[], options: TableOptions = {}, guesses: ReadonlyMap<number, number> = new Map()): string {
  const hosts = spansHosts(trials);
  // a re-run names the trial it re-ran (retryOf is that trial's id)
  const numberOf = new Map(trials.map((t) => [t.id, t.number]));
  // a running trial whose worker stopped heartbeating (killed, cut off): said, before another
  // worker marks it interrupted (workers do so 10 s after its last heartbeat)
  const silence = (t: TrialRecord) => {
    const hb = (t as TrialRecord & { heartbeatMs?: number | null }).heartbeatMs;
    const s = t.state === 'running' && typeof hb === 'number' ? (Date.now() - hb) / 1000 : 0;
    return s >= 5 ? ` (no heartbeat for ${Math.round(s)} s: its worker may be gone)` : '';
  };
  const rows = trials.map((t) => [
    String(t.number),
    t.state + (t.retryOf === null ? '' : numberOf.has(t.retryOf) ? ` (re-run of #${numberOf.get(t.retryOf)})` : ' (re-run)') + silence(t),
    ...(hosts ? [hostOf(t) ?? '—'] : []),
    ...objectiveCells(study, t, guesses),
    formatMetric(t.metrics.train_energy_j, 'J'),
    t.failure ? `${t.failure.kind}: ${t.failure.message}` : paramText(t),
  ]);
  const marked = study.objectives.some((o) => o.metric === 'accuracy') && trials.some((t) => guessMark(t.metrics.accuracy, guesses.get(t.number)));
  const out = table(['#', 'state', ...(hosts ? ['host'] : []), ...objectiveHeaders(study), `${METRICS.train_energy_j.label} (own)`, 'parameters / reason'], rows, options);
  return marked ? [out, ...wrap(GUESS_MARK_NOTE, options.maxWidth ?? Infinity)].join('\n') : out;
}

/**
 * The front, one per hardware class when the study's trials ran on several (energy is compared
 * only within one class), with a warning saying so; a single-class study's front as before.
 */
export function classFrontLines(
  study: StudyRow,
  trials: TrialRecord[],
  classes: readonly { classId: string; inventory: Record<string, string> }[],
  options: TableOptions = {},
): string[] {
  const classOf = (t: TrialRecord) => (t as TrialRecord & { hardwareClass?: string | null }).hardwareClass ?? null;
  const ids = [...new Set(trials.map(classOf).filter((c): c is string => c !== null))].sort();
  const label = (id: string) => classes.find((c) => c.classId === id)?.inventory.label ?? 'inventory not recorded';
  if (ids.length === 0) return [frontTable(study, trials, options)];
  if (ids.length === 1) {
    // which machine the front's joules belong to (`ecopt report --hardware-class` takes the id)
    const line = `Hardware class ${ids[0]}: ${label(ids[0]!)}`;
    const max = options.maxWidth ?? Infinity;
    return [line.length > max ? `${line.slice(0, Math.max(0, max - 1))}…` : line, frontTable(study, trials, options)];
  }
  const out = [`⚠ This study ran on ${ids.length} hardware classes: energy is compared only within one hardware class, so each has its own Pareto front.`];
  for (const id of ids) {
    const own = trials.filter((t) => classOf(t) === id);
    const hosts = [...new Set(own.map(hostOf).filter((h): h is string => h !== null))].sort();
    out.push('', `Hardware class ${id}: ${label(id)} (hosts: ${hosts.join(', ') || '—'})`, frontTable(study, own, options));
  }
  const unplaced = trials.filter((t) => classOf(t) === null && t.state === 'complete');
  if (unplaced.length) out.push('', `${unplaced.length} complete trial(s) recorded no hardware class (run before workers): left out of the fronts above.`);
  out.push('', ...agreementLines(study, trials as (TrialRecord & { hardwareClass?: string | null })[]));
  return out;
}

/**
 * "Same configurations, several machines": the rank agreement of each energy objective between
 * every two hardware classes, over the configurations both measured (shared/cross-class.ts).
 */
export function agreementLines(study: StudyRow, trials: readonly (TrialRecord & { hardwareClass?: string | null })[]): string[] {
  const energy = study.objectives.map((o) => o.metric).filter((m) => METRICS[m].unit === 'J');
  const a = crossClassAgreement(trials, energy);
  if (a.classes.length < 2 || energy.length === 0) return [];
  if (a.shared === 0) {
    return ['Same configurations, several machines: no configuration has been measured on more than one hardware class yet, so whether their energy ranks alike here is unknown.'];
  }
  const f = (x: number) => x.toFixed(2);
  return [
    `Same configurations, several machines (${a.shared} configuration(s) measured on more than one class): does energy rank alike?`,
    ...a.pairs.map((p) =>
      `  ${p.classA} vs ${p.classB}, ${METRICS[p.metric].label}: ` +
        (p.spearman === null
          ? `n = ${p.n}, too few to rank (3 needed)`
          : `Spearman ρ = ${f(p.spearman)}${p.spearmanCi ? ` [${f(p.spearmanCi[0])}, ${f(p.spearmanCi[1])}]` : ''}, n = ${p.n}`) +
        (p.medianRatio !== null ? `; ${p.classB} measures ×${p.medianRatio.toPrecision(2)} the joules of ${p.classA} (median)` : ''),
    ),
  ];
}

/** What provenanceLines reads: a Store, or the same figures fetched ahead from any storage. */
export type ProvenanceSource = Pick<Store, 'getWindows' | 'getMeters' | 'getTrialAttrs'>;

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


/**
 * The trials measured while other programs kept the CPUs busy (walk 44: only the baseline was
 * ever named), with the largest share of the CPUs others used in a training or inference window
 * of 100 ms or more: the machine's busy time less the trial's own, over the window's capacity.
 */
function besideOtherLoad(trials: TrialRecord[], windowsOf: (t: TrialRecord) => readonly EnergyWindow[]): { number: number; others: number }[] {
  const out: { number: number; others: number }[] = [];
  for (const t of trials) {
    let most = 0;
    for (const w of windowsOf(t)) {
      if ((w.phase !== 'train' && w.phase !== 'infer') || !w.cpu || w.cpu.treeS === null || w.durationS < 0.1 || !(w.cpu.cores > 0)) continue;
      const capacity = w.cpu.cores * w.durationS;
      most = Math.max(most, Math.max(0, Math.min(w.cpu.machineBusyS, capacity) - w.cpu.treeS) / capacity);
    }
    if (most > OTHER_LOAD_SHARE) out.push({ number: t.number, others: most });
  }
  return out;
}

/** "trials 3, 4, 5 (train, infer, evaluate)", or each trial with its phases where they differ; twelve at most, then how many more. */
function whereText(where: ReadonlyMap<number, ReadonlySet<string>>): string {
  const entries = [...where].sort(([a], [b]) => a - b);
  const phases = (s: ReadonlySet<string>) => [...s].join(', ');
  const same = entries.every(([, s]) => phases(s) === phases(entries[0]![1]));
  const shown = entries.slice(0, 12);
  const more = entries.length > 12 ? ` and ${entries.length - 12} more` : '';
  if (same) return `trial${entries.length === 1 ? '' : 's'} ${shown.map(([n]) => n).join(', ')}${more} (${phases(entries[0]![1])})`;
  return `trial${entries.length === 1 ? '' : 's'} ${shown.map(([n, s]) => `${n} (${phases(s)})`).join(', ')}${more}`;
}

/** One line per energy domain: how its figures were obtained. */
export function provenanceLines(store: ProvenanceSource, study: StudyRow, trials: TrialRecord[]): string[] {
  // each trial's windows read once, for every line below that looks at them
  const windows = new Map(trials.map((t) => [t.id, store.getWindows({ trialId: t.id })]));
  const windowsOf = (t: TrialRecord) => windows.get(t.id)!;
  const seen = new Map<string, string>();
  for (const t of trials) {
    for (const w of windowsOf(t)) {
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
                .join(', ')})${estimateCaveat(p.inputs)}`,
        );
      }
    }
  }
  const meters = store.getMeters(study.id);
  const lines = [...seen.values()];
  if (lines.length === 0 && meters.length) lines.push(...meters.filter((m) => m.status === 'ok').map((m) => `${m.id}: ${m.detail}`));
  const attribution = trials.map((t) => store.getTrialAttrs(t.id).attribution).find((a) => typeof a === 'string');
  // no trial measured anything yet: nothing to say whose it is (walk 44: "the whole machine's"
  // beside "each trial's own (attributed) energy is used", on a study whose trials all failed early)
  // (walk 50: nor on one whose failed trials had opened windows: a failed trial records no attribution)
  const measuredAny = trials.some((t) => t.state === 'complete' && windowsOf(t).length > 0);
  if (attribution || measuredAny) {
    lines.push(
      attribution
        ? `each trial's energy is its own share of the machine's (${String(attribution)}); the whole machine's figures are kept beside it`
        : "energy figures are the whole machine's (no per-process accounting)",
    );
  }
  const beside = besideOtherLoad(trials, windowsOf);
  if (beside.length) {
    lines.push(
      `measured while other programs kept over ${Math.round(OTHER_LOAD_SHARE * 100)}% of the CPUs busy (the most, in training or inference): ${beside
        .slice(0, 12)
        .map((b) => `#${b.number} (${Math.round(b.others * 100)}%)`)
        .join(', ')}${beside.length > 12 ? ` and ${beside.length - 12} more` : ''}; their own figures leave that work out (by CPU time), the whole machine's include it`,
    );
  }
  // one per run, and per worker of a shared study (each takes its own, on its own machine): each
  // trial was measured against its machine's last before it, so the latest of each machine is shown
  const baselines = store.getWindows({ studyId: study.id, phase: 'idle' });
  const byHost = new Map<string | null, typeof baselines>();
  for (const w of baselines) byHost.set(w.host ?? null, [...(byHost.get(w.host ?? null) ?? []), w]);
  const several = [...byHost.keys()].filter((h) => h !== null).length > 1;
  const underLoadOf = (w: (typeof baselines)[number]) => w.flags?.find((f) => f.kind === 'baseline-under-load');
  for (const [host, list] of byHost) {
    const idle = list.at(-1)!;
    const load = underLoadOf(idle);
    const which = several
      ? `idle baseline on ${host ?? 'a machine not recorded'}${list.length > 1 ? ` (the latest of ${list.length} there)` : ''}`
      : list.length > 1
        ? `the latest of ${list.length} idle baselines (one per run; each trial was measured against the last before it)`
        : 'idle baseline';
    lines.push(
      `${which} (${idle.durationS.toFixed(1)} s): ${idle.domains.map((d) => `${d.domain} ${(d.energyJ / idle.durationS).toFixed(2)} W`).join(', ')} — ${
        load ? `taken under load, so no figure net of idle is given${several ? ' for its trials' : ''}: ${load.message}` : 'net figures are gross minus idle power × duration, where not negative'
      }`,
    );
  }
  if (baselines.length === 0) lines.push('no idle baseline measured: no figures net of idle');
  // said once above when every machine's baseline was taken under load
  const underLoad = byHost.size > 0 && [...byHost.values()].every((list) => underLoadOf(list.at(-1)!));
  // one line per distinct warning, with the trials and phases it touched
  const groups = new Map<string, Map<number, Set<string>>>();
  for (const t of trials) {
    for (const w of windowsOf(t)) {
      for (const f of w.flags ?? []) {
        if (f.kind === 'net-meaningless' && underLoad) continue; // said once, above
        const key = `${f.kind} — ${f.message}`;
        const byTrial = groups.get(key) ?? groups.set(key, new Map()).get(key)!;
        (byTrial.get(t.number) ?? byTrial.set(t.number, new Set()).get(t.number)!).add(w.phase);
      }
    }
  }
  if (groups.size) {
    lines.push(`warnings (${groups.size}):`);
    for (const [message, where] of groups) lines.push(`  ⚠ ${whereText(where)}: ${message}`);
  }
  const again = trials.flatMap((t) => {
    const r = store.getTrialAttrs(t.id).remeasured as { jPerSample: number }[] | undefined;
    return r?.length ? [`  #${t.number}: first ${formatSi(t.metrics.infer_energy_j_per_sample ?? NaN, 'J')}, again ${r.map((x) => formatSi(x.jPerSample, 'J')).join(', ')} per prediction`] : [];
  });
  if (again.length) lines.push('re-measured (ecopt remeasure):', ...again);
  return lines;
}

/** "What predicts energy": each candidate predictor against each energy objective, for `ecopt show`. */
export function predictorLines(trials: TrialRecord[], options: TableOptions = {}): string[] {
  const p = energyPredictors(trials);
  if (p.n < 3) return ['What predicts energy: needs at least 3 complete trials.'];
  const rows = p.rows.map((c) => [METRICS[c.target].label, METRICS[c.predictor].label, describeCorrelation(c)]);
  return [
    `What predicts energy (Pearson r and Spearman ρ with 95% intervals, over the complete trials)${p.warning ? ` — ${p.warning}` : ''}:`,
    table(['energy', 'against', 'correlation'], rows, options),
  ];
}

/** Each trial's projection against what it measured (`ecopt show --projections`), with the study's median errors. */
export function projectionLines(rows: readonly { number: number; check: ProjectionCheck }[], options: TableOptions = {}, command = false): string[] {
  const summary = projectionSummary(rows.map((r) => r.check));
  // a command's trials are never projected (walk 50: "not yet" implied they would be)
  if (!summary && command) return ["Projections: none for a command study. Only the built-in trainer projects a trial's whole training while it trains; a command's training is its own."];
  if (!summary) return ['Projections: no trial of this study has one yet (a trial is projected once while it trains, by the built-in trainer, past its first epoch).'];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `Projections made while training, against what was measured (${summary.n} trials): median |error| ${pct(summary.energyMedianAbs)} for the energy, ${pct(summary.durationMedianAbs)} for the time; ` +
      `${summary.insideEnergy} of ${summary.n} energies and ${summary.insideDuration} of ${summary.n} times inside their stated intervals (about 90%).`,
    table(
      ['#', 'made at', 'projected energy', 'measured', 'error', 'projected time', 'measured', 'error', 'calibrated on'],
      rows.map(({ number, check: c }) => [
        String(number),
        `${Math.round(c.atFraction * 100)}%`,
        `${projectedEnergyText({ energyJ: c.projectedJ, intervalRel: c.energyRel })}${c.whose === 'machine' ? ' (machine)' : ''}`,
        formatMetric(c.actualJ, 'J'),
        signedPercent(c.energyErr),
        `${formatSi(c.projectedS, 's')} ± ${formatSi(c.projectedS * c.durationRel, 's')}`,
        formatSi(c.actualS, 's'),
        signedPercent(c.durationErr),
        c.calibratedOn ? `${c.calibratedOn} trials` : '—',
      ]),
      options,
    ),
  ];
}

/**
 * `ecopt show --budget "at most 2 mJ per prediction"`: the model the budget picks, with the same
 * sentence as the explorer's picker, and the commands that take it away and report it. Over
 * several hardware classes each class has its own pick (energy is compared within one class).
 */
export async function budgetLines(
  study: StudyRow,
  trials: TrialRecord[],
  words: string,
  ecopt: string,
  classes: readonly { classId: string; inventory: Record<string, string> }[] = [],
  source: { db?: string; url?: string } = {},
  remeasuredMeans: ReadonlyMap<number, number> = new Map(),
  attrsOf?: (trialId: number) => Promise<Record<string, unknown>>,
): Promise<string[]> {
  const reading = parseBudget(words);
  if (!reading.ok) throw new UserError(`--budget: ${reading.error}`);
  const classOf = (t: TrialRecord) => (t as TrialRecord & { hardwareClass?: string | null }).hardwareClass ?? null;
  const ids = [...new Set(trials.map(classOf).filter((c): c is string => c !== null))].sort();
  const label = (id: string) => classes.find((c) => c.classId === id)?.inventory.label ?? 'inventory not recorded';
  const quoted = shellWord(study.name);
  // export and report read the study where it is: the file given, or the PostgreSQL database (through a snapshot)
  const dbFlag = source.url !== undefined ? ` --storage ${shellWord(source.url)}` : source.db !== undefined ? ` --db ${shellWord(source.db)}` : '';
  const target = targetName(study.spec);
  // the batching caveat follows the answer, not before it; over several hardware classes it heads them all
  const batching = batchingText(inferBatchSizeOf(study.spec), reading.limits);
  const pickLines = async (own: TrialRecord[], classFlag: string, caveat: string | null) => {
    const pick = pickByBudget(own, reading.limits, studyQuality(study.objectives, own), undefined, target);
    // a limit the study cannot be held to is bad input, as an unreadable budget is (exit 2)
    if (pick.unmeasured) throw new UserError(`--budget: ${pick.sentence}`);
    const out = [`  ${pick.sentence}`];
    const trialOf = (n: number) => own.find((t) => t.number === n);
    const energyOf = (n: number) => trialOf(n)?.metrics.infer_energy_j_per_sample;
    const compared = pickComparisons(pick);
    // the attributes of the trials the lines below name, each read once
    const attrs = new Map<number, Record<string, unknown>>();
    if (attrsOf) {
      for (const n of new Set([pick.trial, ...compared.flat()])) {
        const t = typeof n === 'number' ? trialOf(n) : undefined;
        if (t) attrs.set(t.number, await attrsOf(t.id));
      }
    }
    // what it scores on rows the search never saw, as the explorer says beside the pick (walk 42)
    const picked = pick.trial === null ? undefined : trialOf(pick.trial);
    const test = picked && attrs.has(picked.number) ? pickTestText(picked.number, attrs.get(picked.number)!, picked.metrics, target) : null;
    if (test) out.push(`  ${test}`);
    // against the re-measurements made since, and the figures' own spread: a comparison inside
    // it may not hold on another run (walk 43), unless re-measuring both sides held it (walk 56)
    const spreadOf = (n: number) => {
      const s = (attrs.get(n)?.energy_spread_rel as Record<string, number> | undefined)?.infer_energy_j_per_sample;
      return typeof s === 'number' ? s : undefined;
    };
    const checks = comparisonChecks(compared, energyOf, spreadOf, remeasuredMeans, (j) => formatSi(j, 'J'));
    if (checks.overturned) out.push(`  ⚠ ${checks.overturned}`);
    if (checks.held) out.push(`  ${checks.held}`);
    if (checks.withinSpread) out.push(`  ⚠ ${checks.withinSpread}`);
    if (caveat) out.push(`  ${caveat}`);
    if (pick.trial !== null) {
      const budget = shellWord(words.trim());
      // where its attributes say it kept no model, why, rather than a command that would only fail
      const pickedAttrs = attrs.get(pick.trial);
      const noModel = pickedAttrs !== undefined && typeof pickedAttrs.model_dir !== 'string';
      out.push(
        noModel ? `  ${noModelText(pickedAttrs, study.spec.model === 'command')}` : `  Take it away:   ${ecopt} export ${quoted}${dbFlag} --trial ${pick.trial}`,
        `  Its report:     ${ecopt} report ${quoted}${dbFlag} --trial ${pick.trial} --budget ${budget}${classFlag}`,
      );
    } else if (pick.closest.length) {
      out.push(`  Take the closest: ${pick.closest.map((n) => `${ecopt} export ${quoted}${dbFlag} --trial ${n}`).join('  or  ')}`);
    }
    // "run more trials": how (walk 56: a worker has no --trials, and the sentence did not say)
    if (pick.trial === null) {
      const more = Math.max(study.spec.trials ?? 0, trials.length) + 10;
      out.push(
        source.url !== undefined
          ? `  To run more: raise "trials" in the study file, then start a worker with it: ${ecopt} worker <study.json>${dbFlag} (every worker then runs to the new budget)`
          : `  To run more: ${ecopt} tune ${quoted}${dbFlag} --trials ${more}`,
      );
    }
    return out;
  };
  const several = ids.length > 1;
  const head = [
    `Budget ${reading.readAs}.`,
    ...(batching && several ? [`  ${batching}`] : []),
    ...(source.url?.includes(':***@') ? [`  The commands below name the database with its password hidden: type yours where it shows ***.`] : []),
  ];
  if (!several) return [...head, ...(await pickLines(trials, '', batching))];
  const out = [...head, `  This study ran on ${ids.length} hardware classes: each has its own pick (energy is compared only within one class).`];
  for (const id of ids) out.push('', `Hardware class ${id}: ${label(id)}`, ...(await pickLines(trials.filter((t) => classOf(t) === id), ` --hardware-class ${id}`, null)));
  return out;
}
