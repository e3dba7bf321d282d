/** Shared wording for the renderers: each figure with its unit and where it came from, never an exponent. */
import type { EnergyReport, PhaseFigures } from '../../../shared/report';
import { shellWord } from '../../../shared/shell-word';
import { dataUnit, isRegressionResult, partsText } from '../../../shared/analysis';
import { targetUnitsText } from '../../../shared/spec';
import { unrecordedTrials } from '../campaign';
import { durationText, energyText, gramsText, percentText, plainNumber } from '../units';

/** SCI's functional unit in words: "one inference", "1,000 inferences", "one training run". */
/** What the whole machine's total holds beyond the campaign's windows, in brackets; "" where nothing. */
function grossNotes(c: EnergyReport['campaign']): string {
  const notes = [
    ...(c.concurrent ? ["each window's whole-machine figure, summed: windows of workers that ran at once each count theirs"] : []),
    // walk 43: 9.14 kJ held the 1.57 kJ of baselines the campaign leaves out, and said nothing
    ...(c.idle.underLoad > 0 ? [`including the ${energyText(c.idle.underLoadGrossJ)} the machine drew during the ${c.idle.underLoad === 1 ? 'idle baseline' : `${c.idle.underLoad} idle baselines`} taken under load, which the campaign does not count`] : []),
  ];
  return notes.length ? ` (${notes.join('; ')})` : '';
}

/**
 * "Machines": the campaign per host, where its trials ran on more than one (walk 43: a report of
 * a study three workers ran named one host, so no reader could check every machine's work was in
 * the total). Runs of reports written before hosts were stated have none: no row.
 */
function machinesRow(c: EnergyReport['campaign']): [string, string][] {
  const hosts = new Map<string, { trials: number; baselines: number; energyJ: number }>();
  for (const run of c.runs) {
    const key = run.host ?? 'host not recorded';
    const h = hosts.get(key) ?? hosts.set(key, { trials: 0, baselines: 0, energyJ: 0 }).get(key)!;
    if (run.trial === null) h.baselines++;
    else h.trials++;
    h.energyJ += run.energyJ;
  }
  // a baseline taken under load counts no energy, but its machine took it: said beside that machine (walk 54)
  const uncounted = new Map<string, number>();
  for (const h of c.idle.underLoadHosts ?? []) uncounted.set(h, (uncounted.get(h) ?? 0) + 1);
  for (const h of uncounted.keys()) if (!hosts.has(h)) hosts.set(h, { trials: 0, baselines: 0, energyJ: 0 });
  if (hosts.size < 2) return [];
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const left = (host: string) => {
    const n = uncounted.get(host) ?? 0;
    return n ? `, not counting ${n === 1 ? 'its idle baseline, taken' : `its ${n} idle baselines, taken`} under load` : '';
  };
  return [[
    'By machine',
    [...hosts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([host, h]) => `${host}: ${[...(h.trials ? [count(h.trials, 'trial')] : []), ...(h.baselines ? [count(h.baselines, 'idle baseline')] : [])].join(' and ') || 'nothing counted'}, ${energyText(h.energyJ)} (${percentText(c.energyJ > 0 ? h.energyJ / c.energyJ : 0)}${left(host)})`)
      .join('; ') + (unrecordedTrials(c) > 0 ? '; trials that stopped before storing what they measured are on no machine here' : ''),
  ]];
}

/**
 * "1 (the IT equipment alone: …)": a PUE of 1, ECOpt's default, counts no facility overhead; the
 * filer should know they may give their data centre's (walk 45: "PUE | 1", nothing said).
 */
export function pueText(pue: number): string {
  return pue === 1 ? "1 (the IT equipment's energy alone, no facility overhead; 1 is also the default when --pue is not given: a data centre's is typically 1.1–1.6)" : String(pue);
}

/**
 * " (on lab-a, where trial 3 ran)": whose machine the baseline beside the model's figures is, in a
 * study that ran on several (walk 43); "" on one machine, or where no host was recorded.
 */
export function idleHostText(r: Pick<EnergyReport, 'hardware' | 'trial' | 'campaign'>): string {
  const several = new Set(r.campaign.runs.map((x) => x.host ?? null)).size > 1;
  return several && r.hardware.recorded.host ? ` (on ${r.hardware.recorded.host}, where trial ${r.trial.number} ran)` : '';
}

/** The campaign's idle baselines: those counted (the machine, idle) and those taken under load (not counted). */
function idleBaselinesText(c: EnergyReport['campaign']): string {
  const parts = [];
  if (c.idle.windows > 0) parts.push(`${c.idle.windows}: ${energyText(c.idle.energyJ)} over ${durationText(c.idle.durationS)} (the whole machine, idle)`);
  if (c.idle.underLoad > 0) {
    parts.push(
      `${c.idle.underLoad} taken while other programs kept the machine busy (${durationText(c.idle.underLoadDurationS)}; the machine drew ${energyText(c.idle.underLoadGrossJ)}, mostly their work): not counted`,
    );
  }
  return parts.length ? parts.join('; ') : 'none measured';
}

export function unitWords(unit: string): string {
  return unit === 'inference' ? 'one inference' : unit === '1000-inferences' ? '1,000 inferences' : unit === 'training-run' ? 'one training run' : unit;
}

/** What stands where an inference figure would, for a trial that ran no inference benchmark: never a zero. */
export function noInference(r: Pick<EnergyReport, 'trial'>): string {
  return `not applicable: trial ${r.trial.number} ran no inference benchmark (no inference phase was measured); figures are per training run`;
}

/** Predictions per joule, or why there is no such number (the model's own inference energy was 0 J). */
export function perJouleText(samplesPerJ: number | null, noun: string): string {
  return samplesPerJ === null ? `${noun} per joule: not a number (this model's own inference energy was 0 J; see the warnings)` : `${plainNumber(samplesPerJ, 4)} ${noun} per joule`;
}

/** "batch 32, 20 repeats", or what was not reported (a command trial reports what it chooses to). */
export function batchRepeatsText(inf: Pick<NonNullable<EnergyReport['inference']>, 'batchSize' | 'repeats' | 'samples'>): string {
  if (inf.batchSize === null && inf.repeats === null) return 'batching and repeats not reported';
  return `batch ${inf.batchSize === null ? 'not reported' : batchSizeText(inf.batchSize, inf.repeats ? Math.round(inf.samples / inf.repeats) : null)}, ${inf.repeats ?? 'not reported'} repeats`;
}

/**
 * "256", or "up to 256 (one batch of 75: the whole set)" where the set is smaller than a batch: one
 * wording for the methodology, the Markdown, the PDF and the model card (walk 45: "batch 256" for
 * a 75-row test set beside the methodology's "one batch of 75").
 */
export function batchSizeText(batch: number, setSize: number | null): string {
  return setSize !== null && setSize > 0 && setSize < batch ? `up to ${batch} (one batch of ${setSize.toLocaleString('en-US')}: the whole set)` : String(batch);
}

/** "Chosen by the budget “at most 100 µJ per prediction” (read as: …). Model #1: accuracy …, energy …. It is …" — or null without a budget. */
export function selectionText(r: Pick<EnergyReport, 'selection' | 'trial'>): string | null {
  const s = r.selection;
  if (!s) return null;
  const now = s.picked === r.trial.number ? '' : ` Over the study's trials now, this budget picks ${s.picked === null ? 'no model' : `trial ${s.picked}`}, not trial ${r.trial.number}.`;
  return `Chosen by the budget "${s.budget}" (${s.readAs}). ${s.sentence}${s.caveat ? ` ${s.caveat}` : ''}${now}`;
}

/** The held-out test accuracy's row label, as the app's trial detail words it; a command's as it reported it. */
export function testAccuracyLabel(r: Pick<EnergyReport, 'trial'>): string {
  return r.trial.kind === 'command' ? 'Test accuracy (as the training command reported it)' : 'Accuracy on held-out test data (never seen in training or in choosing: what to expect on new data)';
}

/** The command that made a command trial's model, for the report's model rows: its line, its folder, its script's SHA-256; [] for a built-in trial. */
export function commandRows(r: Pick<EnergyReport, 'trial'>): [string, string][] {
  const c = r.trial.command;
  if (!c) return [];
  const files = Object.entries(c.files);
  return [
    ['Training command', `${c.argv.map(shellWord).join(' ')} (in ${c.cwd})`],
    ['Files it names', files.length ? files.map(([f, sha]) => `${f}: SHA-256 ${sha}`).join('; ') : 'none in its folder (its script is not fingerprinted)'],
  ];
}

/** "Accuracy (validation)", or for a command's trial "as the training command reported it" (ECOpt does not know on which split). */
export function accuracyLabel(r: Pick<EnergyReport, 'trial'>): string {
  return r.trial.kind === 'command' ? 'Accuracy (as the training command reported it)' : 'Accuracy (validation)';
}

/**
 * The model's quality rows: accuracy (validation, then held-out test) or, for a regression (a
 * study measuring RMSE and no accuracy), its RMSE in the target's units. `none`: a missing figure.
 */
export function qualityRows(r: Pick<EnergyReport, 'trial' | 'study'>, none: string): [string, string][] {
  const m = r.trial.metrics;
  if (isRegressionResult(m)) {
    return [
      [r.trial.kind === 'command' ? 'RMSE (as the training command reported it)' : `RMSE (validation), ${targetUnitsText(r.study.target)} (lower is better)`, plainNumber(m.rmse!, 4)],
      ...(r.trial.testRmse !== undefined ? [[`RMSE on held-out test data, ${targetUnitsText(r.study.target)} (never seen in training or in choosing: what to expect on new data)`, plainNumber(r.trial.testRmse, 4)] as [string, string]] : []),
    ];
  }
  return [
    [accuracyLabel(r), m.accuracy === undefined ? none : `${(m.accuracy * 100).toFixed(2)}%`],
    ...(r.trial.testAccuracy !== undefined ? [[testAccuracyLabel(r), `${(r.trial.testAccuracy * 100).toFixed(2)}%`] as [string, string]] : []),
  ];
}

/** What ties the report to the model taken away: a built-in model's weights, or the files a command handed back. */
export function modelFingerprint(r: Pick<EnergyReport, 'trial'>): [string, string] {
  const files = r.trial.artifactSha256 ? Object.entries(r.trial.artifactSha256) : [];
  if (files.length) return ['Model (SHA-256 of each file its command handed back, as the exported model card lists them)', files.map(([f, h]) => `${f} ${h}`).join('; ')];
  if (r.trial.weightsSha256) {
    const file = r.trial.weightsFileSha256 ? `; the file weights.bin (what sha256sum prints for the exported model): ${r.trial.weightsFileSha256}` : '';
    return [`Weights (SHA-256 of their values, as the exported model card states it${file ? ', and of the file' : ''})`, `${r.trial.weightsSha256}${file}`];
  }
  return ['Model', r.trial.kind === 'command' ? 'no fingerprint: its command handed no model back (an "artifact" in its metrics line)' : 'SHA-256 of its weights not recorded (trained before ECOpt recorded it)'];
}

/**
 * A built-in trial's data, as its trainer read it: the parts' sizes, the scaling and fingerprint,
 * then what loading did (walk 45: a filer found no word of the cells filled or the id column left
 * out). None for a command trial, whose data ECOpt does not read, or a report written before.
 */
export function dataRows(r: Pick<EnergyReport, 'trial' | 'study'>): [string, string][] {
  const d = r.trial.data;
  if (!d) return [];
  const parts = d.rows ? partsText(d.rows, dataUnit(r.study.dataset)) : 'parts not recorded';
  return [
    ['Data', `${parts}${d.preparation ? `; ${d.preparation}` : ''}${d.sha256 ? `; SHA-256 of the data as loaded (features and labels): ${d.sha256}` : ''}`],
    ['Data as loaded', d.notes === null ? 'not recorded (trained before ECOpt recorded what loading did)' : d.notes.length ? d.notes.join('; ') : 'read as it is: nothing filled, dropped, skipped or left out'],
  ];
}

/**
 * Which model the GPAI rows describe, for the rows file read on its own (walk 38: it named no
 * study, parameters or fingerprint): study, trial, parameters, fingerprint, writer and digest.
 */
export function gpaiIdentity(r: EnergyReport): string {
  const [label, value] = modelFingerprint(r);
  return [
    `Study **${r.study.name}**, trial ${r.trial.number} (${r.study.model} on ${r.study.dataset}); parameters ${Object.entries(r.trial.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')}.`,
    `${label}: ${value}.`,
    `Written ${r.generatedAt} by ECOpt ${r.generator.version} from the energy report whose measurement digest is SHA-256 ${r.digest.value} over ${r.digest.rows} rows; \`ecopt verify\` on that report's JSON (energy-report.json) checks it against the study's database.`,
  ].join('\n');
}

export function uncertainty(u: number | null): string {
  return u === null ? 'uncertainty not stated by the counter' : `±${(u * 100).toFixed(0)}%`;
}

export function methodLabel(phase: Pick<PhaseFigures, 'method' | 'uncertaintyRel' | 'domains'>): string {
  const sources = [...new Set(phase.domains.map((d) => d.provenance.source))].join(', ');
  return `${phase.method} (${sources}; ${uncertainty(phase.uncertaintyRel)})`;
}

/** The GPAI Code of Practice Model Documentation Form's energy rows, filled in (built with the report). */
export function gpaiRows(r: EnergyReport): [string, string][] {
  return r.gpai.rows.map((x) => [x.field, x.value]);
}

/** " - re-measured since: +225% (…); see the warning" where the model's re-measurements disagree with the figure stated, else "". */
export function remeasuredNote(inf: EnergyReport['inference']): string {
  return inf?.flags.some((f) => f.kind === 'remeasure-disagrees') ? ' - RE-MEASURED SINCE, IT DISAGREES BY MORE THAN 20%: see the inference warning' : '';
}

/** "its process was killed, or its worker lost contact", in the plural for several. */
export function killedWords(n: number): string {
  return n === 1 ? 'its process was killed, or its worker lost contact' : 'their processes were killed, or their workers lost contact';
}

/** " (at least: 1 trial stopped before storing what it measured)" where the campaign's figures leave trials out, else "". */
export function lowerBoundText(c: EnergyReport['campaign']): string {
  const missing = unrecordedTrials(c);
  return missing > 0 ? ` (at least: ${missing} trial${missing === 1 ? '' : 's'} stopped before storing what ${missing === 1 ? 'it' : 'they'} measured)` : '';
}

/** "; including 1.2 kJ that the trials' processes used outside their measured phases (…)", or "" where no trial's whole process was measured. */
export function outsidePhasesText(c: EnergyReport['campaign']): string {
  const o = c.outsidePhases;
  if (!o) return '';
  const all = c.byState.complete.trials + c.byState.pruned.trials + c.byState.failed.trials + c.byState.interrupted.trials;
  // the others: measured in their phases only, or (a killed trial) not at all (walk 43)
  const unrecorded = unrecordedTrials(c);
  const phasesOnly = all - o.trials - unrecorded;
  const others = [
    ...(phasesOnly > 0 ? [`${phasesOnly === 1 ? 'one' : phasesOnly} measured in ${phasesOnly === 1 ? 'its' : 'their'} phases only`] : []),
    ...(unrecorded > 0 ? [`${unrecorded === 1 ? 'one' : unrecorded} with nothing recorded`] : []),
  ];
  const whose = o.trials === all ? "the trials' processes" : `${o.trials} of the ${all} trials' processes (${others.length ? `the other${all - o.trials === 1 ? '' : 's'}: ${others.join(', ')}` : 'the others were measured in their phases only'})`;
  return `; including ${energyText(o.energyJ)} that ${whose} used outside their measured phases (start-up, imports, saving the model: ${durationText(o.durationS)})`;
}

/** "; including 570 J for 9 re-measurements of 3 models (…)", or "" where none was made. */
export function remeasuredText(c: EnergyReport['campaign']): string {
  const r = c.remeasured;
  if (!r) return '';
  const whole = r.wholeProcess === r.runs ? 'their whole processes' : r.wholeProcess === 0 ? 'their inference windows' : `their inference windows, and the whole process of ${r.wholeProcess}`;
  return `; including ${energyText(r.energyJ)} for ${r.runs} re-measurement${r.runs === 1 ? '' : 's'} of ${r.trials} model${r.trials === 1 ? '' : 's'} (${whole}, ${durationText(r.durationS)}), counted with their trials`;
}

/**
 * Why "this model's own" can exceed "net of idle" (walk 38: a filer expected own ≤ net): the
 * two answer different questions, and the filed rows use the first.
 */
export const OWN_VS_NET =
  "This model's own figure is its share of the machine's energy: its processes' CPU time, with the idle power of the time they used, other programs' work excluded. Net of idle is the whole machine's energy above its idle power: everyone's work, idle power excluded. So the own figure can be above the net one. The GPAI rows, the emissions and the SCI use the own figure.";

/** " (±60%, from estimated energy; the grid intensity's own uncertainty is not included)" beside an emissions figure. */
export function emissionsUncertainty(f: { method: string; uncertaintyRel: number | null }): string {
  const how = f.method === 'measured' ? 'measured' : f.method === 'estimated' ? 'estimated' : 'partly estimated';
  return ` (${uncertainty(f.uncertaintyRel)}, from ${how} energy; the grid intensity's own uncertainty is not included)`;
}

/** "This model's whole trial": its row in the campaign (and in emissions.csv), and what of it the phases above do not hold. */
function wholeTrialRow(r: EnergyReport): [string, string][] {
  const run = r.campaign.runs.find((x) => x.trial === r.trial.number);
  if (!run) return [];
  const phases = r.training.energyJ + (r.inference?.energyJ ?? 0);
  const rest = Math.max(0, run.energyJ - phases);
  return [[
    `This model (trial ${r.trial.number}): the whole trial`,
    `${energyText(run.energyJ)}: training ${energyText(r.training.energyJ)}${r.inference ? `, inference benchmark ${energyText(r.inference.energyJ)}` : ''}, and ${energyText(rest)} besides (its evaluation${r.campaign.outsidePhases ? ', start-up and saving' : ''}${r.inference?.flags.some((f) => f.kind.startsWith('remeasure')) ? ', and its re-measurements' : ''}); its row in emissions.csv`,
  ]];
}

/** "Developing this model": the whole campaign, then the chosen model's own figures. */
export function campaignRows(r: EnergyReport): [string, string][] {
  const c = r.campaign;
  const whole = wholeTrialRow(r);
  const stateRow = (label: string, s: EnergyReport['campaign']['byState']['complete'], state: keyof EnergyReport['campaign']['byState']) => {
    const missing = unrecordedTrials(c, state);
    const note = missing > 0 ? `; ${missing === s.trials ? (s.trials === 1 ? 'it' : 'all of them') : `${missing} of them`} stopped before storing what ${missing === 1 ? 'it' : 'they'} measured (${killedWords(missing)}), so ${missing === 1 ? 'its' : 'their'} energy is not in these figures` : '';
    const trialsText = `${s.trials} trial${s.trials === 1 ? '' : 's'}`;
    // nothing stored at all: no "0 J over 0 s", which would read as a measurement
    if (s.trials > 0 && missing === s.trials) {
      return [label, `${trialsText}: energy not recorded; ${s.trials === 1 ? 'it' : 'they'} stopped before storing what ${s.trials === 1 ? 'it' : 'they'} measured (${killedWords(s.trials)}), so the campaign's figures leave ${s.trials === 1 ? 'it' : 'them'} out`] as [string, string];
    }
    return [label, s.trials === 0 ? 'none' : `${trialsText}: ${energyText(s.energyJ)} over ${durationText(s.durationS)} (${percentText(c.energyJ > 0 ? s.energyJ / c.energyJ : 0)})${note}`] as [string, string];
  };
  return [
    ['Whole campaign', `${energyText(c.energyJ)}${lowerBoundText(c)} = ${r.gpai.developmentEnergy.mwh2sf} MWh; ${gramsText(c.emissionsG)}; ${durationText(c.durationS)} measured${c.spanS !== null ? ` over ${durationText(c.spanS)} from first to last measurement (${c.concurrent ? 'trials ran at once on several workers or devices, so their times add up to more than the span; pauses between sessions included' : 'pauses between sessions included'})` : ''}${outsidePhasesText(c)}${remeasuredText(c)}; ${c.method} (${uncertainty(c.uncertaintyRel)})`],
    ...machinesRow(c),
    stateRow('Complete trials', c.byState.complete, 'complete'),
    stateRow('Pruned trials', c.byState.pruned, 'pruned'),
    stateRow('Failed trials', c.byState.failed, 'failed'),
    stateRow('Interrupted trials', c.byState.interrupted, 'interrupted'),
    ['Idle baselines', idleBaselinesText(c)],
    ['Spent on pruned or failed trials', `${percentText(c.prunedOrFailedShare)} of the campaign${c.interruptedShare > 0 ? `; ${percentText(c.interruptedShare)} on interrupted trials run again` : ''}`],
    ['Whole machine, same windows', `${energyText(c.grossEnergyJ)}${grossNotes(c)}`],
    ...whole,
    [`This model (trial ${r.trial.number}): training`, `${energyText(r.training.energyJ)} (${percentText(c.energyJ > 0 ? r.training.energyJ / c.energyJ : 0)} of the campaign); ${gramsText(r.emissions.trainingG)}`],
    [`This model: inference`, r.inference && r.emissions.inferencePer1000G !== null ? `${energyText(r.inference.jPerSample)} per prediction; ${gramsText(r.emissions.inferencePer1000G)} per 1,000 predictions` : noInference(r)],
  ];
}

export function paybackRows(r: EnergyReport): [string, string][] {
  const p = r.payback;
  if (!p) return [['Payback', 'not applicable: the chosen trial has no inference energy per prediction to compare']];
  // the chosen model is the untuned first trial and no model is more accurate: nothing was saved, nothing is repaid
  if (p.untuned) {
    const rows: [string, string][] = [
      ['Payback', p.sentence],
      ['Compared with', `itself: model #${p.chosenTrial} is the first trial, what would have been trained without tuning (${energyText(p.chosenJPerPrediction)} per prediction)`],
      ['Saved per prediction', 'none: the chosen model is the untuned one'],
      ['Campaign energy to repay', p.text.campaign],
      ['Payback point', 'never: nothing is saved per prediction'],
    ];
    if (p.carbon) rows.push(['In carbon', `the campaign emitted ${gramsText(p.carbon.campaignG)} (at ${plainNumber(p.carbon.gPerKWh, 7)} gCO2e/kWh including PUE); nothing is saved per prediction to repay it`]);
    return rows;
  }
  const rows: [string, string][] = [
    ['Payback', p.sentence],
    ['Compared with', `model #${p.referenceTrial} (${p.referenceReason}): ${energyText(p.referenceJPerPrediction)} per prediction; this model ${energyText(p.chosenJPerPrediction)}`],
    [p.extraJPerPrediction > 0 ? 'Extra per prediction' : 'Saved per prediction', `${p.text.saved}${p.spreadKnown ? '' : ' (a spread was not measured: taken as zero)'}`],
    ['Campaign energy to repay', p.text.campaign],
    ['Payback point', p.verdict === 'pays-back' ? `${p.text.predictions} predictions${p.interval ? ` (interval ${p.text.interval})` : ' (no interval: a spread was not measured)'}` : p.verdict === 'never' ? 'never, in energy' : 'not applicable: the model is its own reference'],
  ];
  if (p.carbon) rows.push(['In carbon', `the campaign emitted ${gramsText(p.carbon.campaignG)}; each prediction ${p.carbon.extraGPerPrediction > 0 ? 'adds' : 'saves'} ${gramsText(p.carbon.extraGPerPrediction > 0 ? p.carbon.extraGPerPrediction : p.carbon.savedGPerPrediction)} (at ${plainNumber(p.carbon.gPerKWh, 7)} gCO2e/kWh including PUE); the payback point is the same`]);
  return rows;
}

export function hardwareRows(r: EnergyReport): [string, string][] {
  const h = r.hardware;
  return [
    ['GPUs', h.gpus.length ? `${h.gpus.map((g) => `GPU ${g.index}: ${g.model}${g.memoryMiB ? `, ${plainNumber(g.memoryMiB / 1024, 3)} GiB` : ''}${g.driver ? `, driver ${g.driver}` : ''}`).join('; ')} (from ${h.gpuSource}); ${h.gpusUsed} used by this model` : 'none found on the machine that measured it'],
    ['CPU', `${h.cpuModel}${h.cpuLogicalCores !== null ? `, ${h.cpuLogicalCores} logical cores` : ''}`],
    ['Memory', h.memoryGiB !== null ? `${h.memoryGiB} GiB` : 'not recorded'],
    ['Operating system', h.os],
    ...(h.recorded.host ? [['Measured on', `host ${h.recorded.host} (trial ${r.trial.number} ran there)`] as [string, string]] : []),
    ...(h.hardwareClass
      ? [['Hardware class', `${h.hardwareClass.id}${h.hardwareClass.label ? ` (${h.hardwareClass.label})` : ''}: energy is compared only with trials of this class (ecopt show lists them)`] as [string, string]]
      : []),
    ['Drivers', Object.keys(h.drivers).length ? Object.entries(h.drivers).map(([k, v]) => `${k} ${v}`).join('; ') : 'no GPU driver versions recorded'],
  ];
}
