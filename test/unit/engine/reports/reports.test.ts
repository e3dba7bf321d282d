import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../../src-main/engine/reports/build';
import { CODECARBON_COLUMNS, CSV_COLUMNS } from '../../../../src-main/engine/reports/render/csv';
import { reportJsonSchema } from '../../../../src-main/engine/reports/schema';
import { Store } from '../../../../src-main/engine/store/store';
import { runStudy } from '../../../../src-main/engine/study/study';
import { SqliteStorage } from '../../../../src-main/engine/store/sqlite-storage';
import { Api } from '../../../../src-main/api/handlers';
import { energyText } from '../../../../src-main/engine/reports/units';
import { renderMarkdown } from '../../../../src-main/engine/reports/render/markdown';
import { reportSchema, type EnergyReport } from '../../../../src-main/shared/report';
import { parseStudySpec } from '../../../../src-main/shared/spec';
import { ROOT, runCli } from '../../../helpers/cli';
import { quickSpec } from '../../../helpers/specs';
import { tmpDir } from '../../../helpers/tmp';

// One real study (real trials, real SQLite file) shared by the tests in this file.
const dir = mkdtempSync(join(tmpdir(), 'ecopt-report-'));
const db = join(dir, 'study.db');

beforeAll(async () => {
  const r = parseStudySpec(quickSpec({ name: 'reported', trials: 3, meters: { idleBaselineS: 0.5 } }));
  if (!r.ok) throw new Error('bad spec');
  const store = new Store(db);
  await runStudy({ storage: new SqliteStorage(store), spec: r.spec });
  const empty = parseStudySpec(quickSpec({ name: 'empty', trials: 1 }));
  if (!empty.ok) throw new Error('bad spec');
  store.createStudy(empty.spec);
  store.close();
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pdfText(path: string): string {
  try {
    return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
  } catch (e) {
    throw new Error(`pdftotext failed (install Debian's poppler-utils): ${(e as Error).message}`);
  }
}

describe('energy reports from a real study database', () => {
  it('writes every format, and the PDF holds the key figures of its JSON twin', async () => {
    const out = join(tmpDir(), 'out');
    const r = await runCli(['report', 'reported', '--db', db, '--out', out, '--country', 'DEU', '--pue', '1.3', '--owner', 'Ada Officer', '--organisation', 'Example Labs']);
    expect(r.code).toBe(0);
    const report = reportSchema.parse(JSON.parse(readFileSync(join(out, 'energy-report.json'), 'utf8'))) as EnergyReport;
    // no --trial: it says which it reports and how to report the one the user chose
    expect(r.stdout).toContain(`Energy report for "reported", trial ${report.trial.number} (the most accurate; \`--trial <n>\` reports another, e.g. the one you chose in the app)`);
    const layout = pdfText(join(out, 'energy-report.pdf'));
    const text = layout.replace(/\s+/g, ' ');
    expect(text).toContain(`Energy report: reported, trial ${report.trial.number}`);
    expect(text).toContain(`${report.training.energyMWh2sf} MWh`);
    expect(text).toContain(`${energyText(report.inference!.jPerSample)} per prediction`);
    expect(text).toContain(`${report.emissions.intensityGPerKWh} gCO2e/kWh - Germany (DEU), ${report.emissions.year}`);
    // the SCI row's I is the same figure as the grid row's (380.95, not 380.9: a filer recomputes E × I from it)
    expect(text).toContain(`${report.emissions.intensityGPerKWh} gCO2e/kWh; E × I =`);
    expect(report.sci.text).toContain(`I = ${report.emissions.intensityGPerKWh} gCO2e/kWh (Germany)`);
    expect(text).toContain(report.digest.value);
    expect(text).toContain('ESTIMATED by cpu-tdp-estimate');
    expect(text).toMatch(/GPAI Code of Practice/);
    expect(text).toContain('Report owner: Ada Officer, Example Labs');
    // fileable: no exponent anywhere, every page numbered
    expect(layout).not.toMatch(/(^|[\s(=])\d+(\.\d+)?e[+-]?\d+\b/im);
    const pages = layout.split('\f').filter((p) => p.trim()).length;
    expect(text).toContain(`Page 1 of ${pages}`);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    // every number carries its provenance
    for (const p of [report.training, report.inference!]) {
      expect(p.domains.length).toBeGreaterThan(0);
      for (const d of p.domains) expect(['measured', 'estimated']).toContain(d.provenance.method);
    }
    expect(report.idleBaseline).not.toBeNull();
    // net of idle is given, or the report says why not (a baseline taken on a busy machine)
    if (report.training.netEnergyKWh === null) expect(report.training.flags.map((f) => f.kind)).toContain('net-meaningless');
    else expect(report.training.netEnergyKWh).toBeGreaterThanOrEqual(0);
    // the model's own energy, with the whole machine's beside it
    expect(report.training.energyJ).toBeLessThanOrEqual(report.training.grossEnergyJ);
    expect(text).toContain("this model's own (whole machine");
    // the whole campaign: every trial and the idle baseline
    expect(report.campaign.byState.complete.trials).toBe(3);
    // one baseline: counted, or (taken while other programs kept this machine busy) left out and said so
    expect(report.campaign.idle.windows + report.campaign.idle.underLoad).toBe(1);
    expect(report.campaign.energyJ).toBeGreaterThan(report.training.energyJ);

    const md = readFileSync(join(out, 'energy-report.md'), 'utf8');
    expect(md).toContain(`Training energy: **${energyText(report.training.energyJ)}** (${report.training.energyMWh2sf} MWh to two significant figures`);
    const card = readFileSync(join(out, 'model-card-co2.yaml'), 'utf8');
    expect(card).toMatch(/^co2_eq_emissions:\n {2}emissions: [\d.e-]+\n {2}source: ".*estimated/m);
    expect(Number(/emissions: ([\d.e-]+)/.exec(card)![1])).toBeCloseTo(report.emissions.trainingG, 3);
    const csv = readFileSync(join(out, 'emissions.csv'), 'utf8').trim().split('\n');
    expect(csv[0]!.split(',')).toEqual([...CODECARBON_COLUMNS]);
    const twin = readFileSync(join(out, 'emissions-ecopt.csv'), 'utf8').trim().split('\n');
    expect(twin[0]!.split(',')).toEqual(CSV_COLUMNS);
    const rows = twin.slice(1).map((line) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, line.split(',')[i]])));
    expect(rows.map((x) => x.ecopt_state)).toEqual([...(report.campaign.idle.windows ? ['idle-baseline'] : []), 'complete', 'complete', 'complete']);
    const sum = rows.reduce((a, x) => a + Number(x.energy_consumed), 0);
    expect(sum).toBeCloseTo(report.campaign.energyKWh * 1.3, 12);
    expect(rows.reduce((a, x) => a + Number(x.emissions), 0)).toBeCloseTo(report.emissions.campaignG / 1000, 12);
    const chosen = rows.find((x) => x.ecopt_chosen === 'Y')!;
    expect(chosen).toMatchObject({ country_iso_code: 'DEU', ecopt_energy_method: 'estimated', ecopt_trial: String(report.trial.number) });
    expect(readFileSync(join(out, 'gpai-energy-rows.md'), 'utf8')).toMatch(/Energy consumption during training \(MWh\) \| 0\.\d+ MWh/);
  });

  it('computes emissions and SCI from the figures it states', () => {
    const store = new Store(db, { readonly: true });
    const r = buildReport(store, 'reported', { country: 'FRA', pue: 1.5, functionalUnit: 'inference', embodied: { totalG: 1e6, lifespanYears: 4 } });
    store.close();
    expect(r.emissions.trainingG).toBeCloseTo(r.training.energyKWh * r.emissions.intensityGPerKWh * 1.5, 12);
    const m = 1e6 * (r.inference!.durationS / r.inference!.samples / (4 * 365.25 * 86400));
    expect(r.sci.embodied.embodiedG).toBeCloseTo(m, 15);
    expect(r.sci.scoreG).toBeCloseTo((r.inference!.jPerSample / 3.6e6) * 1.5 * r.emissions.intensityGPerKWh + m, 15);
    expect(r.sci.embodied.included).toBe(true);
    expect(r.methodology.join(' ')).toMatch(/M from the embodied inputs given \(TE, EL, RR\/ToR\)/);
  });

  it('states the world fallback when no country is given', () => {
    const store = new Store(db, { readonly: true });
    const r = buildReport(store, 'reported');
    store.close();
    expect(r.emissions).toMatchObject({ intensityGPerKWh: 475, origin: 'world-fallback' });
    expect(r.emissions.source).toMatch(/world average fallback/);
  });

  /** The study copied to a folder of its own, and its report written there as JSON: what verify is asked about. */
  /**
   * A complete trial added to the study file `copy`, as if trained after a report: its accuracy,
   * inference energy per prediction (over 10 predictions, estimated) and training energy. Its number.
   */
  function addTrial(copy: string, params: Record<string, unknown>, m: { accuracy: number; j: number; trainJ: number; samples?: number }, attrs: Record<string, unknown> = {}): number {
    const store = new Store(copy);
    try {
      const study = store.requireStudy('reported');
      const t = store.createTrial(study.id, params as Record<string, number>);
      store.startTrial(t.id);
      const est = { method: 'estimated' as const, source: 'cpu-tdp-estimate', model: 'tdp', inputs: { tdpW: 65 }, uncertaintyRel: 0.6 };
      const samples = m.samples ?? 10;
      store.completeTrial(t.id, {
        metrics: { accuracy: m.accuracy, infer_energy_j_per_sample: m.j, train_energy_j: m.trainJ },
        windows: [
          { phase: 'train', startedAtMs: Date.now(), durationS: 2, domains: [{ domain: 'cpu-package', energyJ: m.trainJ, attributedEnergyJ: m.trainJ, provenance: est }] },
          { phase: 'infer', startedAtMs: Date.now() + 2000, durationS: 1, samples, domains: [{ domain: 'cpu-package', energyJ: m.j * samples, attributedEnergyJ: m.j * samples, provenance: est }] },
        ],
        attrs,
        backend: 'wasm',
        powerSamples: [],
      });
      return t.number;
    } finally {
      store.close();
    }
  }

  async function reportOnCopy(): Promise<{ copy: string; out: string }> {
    const work = tmpDir();
    const copy = join(work, 'study.db');
    copyFileSync(db, copy);
    const out = join(work, 'out');
    expect((await runCli(['report', 'reported', '--db', copy, '--out', out, '--format', 'json'])).code).toBe(0);
    return { copy, out };
  }

  it('ecopt verify detects an edited measurement row', async () => {
    const { copy, out } = await reportOnCopy();
    const ok = await runCli(['verify', join(out, 'energy-report.json'), '--db', copy]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: /);

    // edit a measurement row the report rests on: the reported trial's inference window
    const reported = (JSON.parse(readFileSync(join(out, 'energy-report.json'), 'utf8')) as EnergyReport).trial.number;
    const raw = new Database(copy);
    const edited = raw
      .prepare(
        `UPDATE window_energy SET energy_j = energy_j * 0.5 WHERE window_id =
           (SELECT w.id FROM windows w JOIN trials t ON t.id = w.trial_id JOIN studies s ON s.id = t.study_id
             WHERE s.name = 'reported' AND t.number = ? AND w.phase = 'infer')`,
      )
      .run(reported);
    raw.close();
    expect(edited.changes).toBeGreaterThan(0);
    const bad = await runCli(['verify', join(out, 'energy-report.json'), '--db', copy]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^MISMATCH: /);
    expect(bad.stdout).toMatch(/the measurement rows changed: digest/);
    // and says what that means: the model's own figures changed, do not file it
    expect(bad.stdout).toContain("In short: this model's own figures no longer match the database (above): the report was edited, or its measurements changed. Do not file it as it is");
  });

  it('ecopt verify says when only the study moved on since the report: the model still matches, the campaign is out of date (walk 45)', async () => {
    const { copy, out } = await reportOnCopy();
    const path = join(out, 'energy-report.json');
    const report = JSON.parse(readFileSync(path, 'utf8')) as EnergyReport;
    const then = Object.values(report.study.trials).reduce((a, n) => a + n, 0);
    // one more trial of the study, run after the report was written
    addTrial(copy, report.trial.params, { accuracy: 0.5, j: 1, trainJ: 500 });
    const v = await runCli(['verify', path, '--db', copy]);
    expect(v.code, v.stdout).toBe(1);
    expect(v.stdout).toMatch(/campaign energy \(J\) \(campaign\.energyJ\): [\d.]+ in the report/);
    expect(v.stdout).toContain(
      `In short: this model's own figures (its training and inference energy, emissions, quality and weights) still match; the study has changed since the report was written (${then} trials then, ${then + 1} now, in every state), so the study-wide figures (the campaign, its emissions, the payback, the trade-off) are out of date. Write the report again for current ones: ecopt report reported --db ${copy} --trial ${report.trial.number} with the options you gave.`,
    );
    // --all lists every field that differs
    const all = await runCli(['verify', path, '--db', copy, '--all']);
    expect(all.stdout.split('\n').filter((l) => l.startsWith('  - ')).length).toBeGreaterThanOrEqual(v.stdout.split('\n').filter((l) => l.startsWith('  - ')).length);
    expect(all.stdout).not.toContain('more fields differ');
  });

  it('ecopt verify says when the budget a report was written for now picks another model, and how to report either (walk 56)', async () => {
    const work = tmpDir();
    const copy = join(work, 'study.db');
    copyFileSync(db, copy);
    const out = join(work, 'out');
    const written = await runCli(['report', 'reported', '--db', copy, '--out', out, '--format', 'json', '--budget', 'at most 1 kJ per prediction']);
    expect(written.code, written.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'energy-report.json'), 'utf8')) as EnergyReport;
    // a better model within the budget, trained after the report
    const t = { number: addTrial(copy, report.trial.params, { accuracy: 0.999, j: 1e-6, trainJ: 5 }) };
    const v = await runCli(['verify', join(out, 'energy-report.json'), '--storage', copy]);
    expect(v.code, v.stdout).toBe(1);
    expect(v.stdout).toContain(
      `The budget "at most 1 kJ per prediction" the report was written for now picks #${t.number}, not #${report.trial.number}: \`ecopt report reported --storage ${copy} --budget 'at most 1 kJ per prediction'\` reports #${t.number} and says why, or \`ecopt report reported --storage ${copy} --trial ${report.trial.number}\` (without --budget) reports #${report.trial.number} again, each with the other options you gave.`,
    );
  });

  it("carries show --budget's caveat where the pick's energy comparison is within the figures' own spread (walk 56)", async () => {
    const work = tmpDir();
    const copy = join(work, 'study.db');
    copyFileSync(db, copy);
    // two models better and thriftier than the study's own, 5% apart in energy, each figure ±30% between repeats
    const added = [
      { accuracy: 0.999, j: 2e-12 },
      { accuracy: 0.998, j: 1.9e-12 },
    ].map(({ accuracy, j }) => addTrial(copy, { units: 8, learning_rate: 0.01, epochs: 2 }, { accuracy, j, trainJ: 5, samples: 1e6 }, { energy_spread_rel: { infer_energy_j_per_sample: 0.3 } }));
    const out = join(work, 'out');
    const r = await runCli(['report', 'reported', '--db', copy, '--out', out, '--format', 'json,md', '--budget', 'at most 1 kJ per prediction']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'energy-report.json'), 'utf8')) as EnergyReport;
    expect(report.trial.number).toBe(added[0]);
    expect(report.selection!.sentence).toContain(`The most frugal model within this limit is #${added[1]}`);
    expect(report.selection!.caveat).toMatch(new RegExp(`^The energy comparison above is within the figures' own spread \\(between blocks of repeats\\): #${added[1]}'s .* ±30% against #${added[0]}'s .* ±30% per prediction\\.`));
    expect(readFileSync(join(out, 'energy-report.md'), 'utf8')).toContain(report.selection!.caveat!);
    // a report written before the caveat existed still verifies: the field is one this ECOpt adds
    const older = join(work, 'older.json');
    const { caveat: _c, ...selection } = report.selection!;
    writeFileSync(older, JSON.stringify({ ...report, selection }));
    const v = await runCli(['verify', older, '--db', copy]);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toMatch(/also states selection\.caveat/);
    // re-measured since, both, in the same order: the comparison held, and the report says that instead
    const store = new Store(copy);
    try {
      const study = store.requireStudy('reported');
      for (const [n, j] of [[added[0]!, 2.1e-12], [added[1]!, 1.8e-12]] as const) {
        const t = store.getTrials(study.id).find((x) => x.number === n)!;
        const w = store.getWindows({ trialId: t.id }).find((x) => x.phase === 'infer')!;
        store.setTrialAttr(t.id, 'remeasured', [{ at: new Date().toISOString(), jPerSample: j, samples: 1e6, spreadRel: 0.05, windowId: w.id }]);
      }
    } finally {
      store.close();
    }
    const again = join(work, 'again');
    expect((await runCli(['report', 'reported', '--db', copy, '--out', again, '--format', 'json', '--budget', 'at most 1 kJ per prediction'])).code).toBe(0);
    const held = JSON.parse(readFileSync(join(again, 'energy-report.json'), 'utf8')) as EnergyReport;
    expect(held.selection!.caveat).toMatch(new RegExp(`^Re-measured since, the energy comparison above holds: #${added[1]}'s .* against #${added[0]}'s .* per prediction \\(means of the re-measurements\\)\\.$`));
  });

  it('ecopt verify detects a report edited to name another model or other parameters', async () => {
    // the energy figures and the digest still match such a report: only the model it names changed
    const work = tmpDir();
    const out = join(work, 'out');
    expect((await runCli(['report', 'reported', '--db', db, '--out', out, '--format', 'json'])).code).toBe(0);
    const path = join(out, 'energy-report.json');
    const original = readFileSync(path, 'utf8');
    const report = JSON.parse(original) as EnergyReport;
    const edits: [(r: EnergyReport) => void, RegExp][] = [
      [(r) => (r.trial.number += 1), /trial\.number: \d+ in the report, \d+ from the database/],
      [
        (r) => {
          const key = Object.keys(r.trial.params)[0]!;
          r.trial.params[key] = typeof r.trial.params[key] === 'number' ? (r.trial.params[key] as number) * 2 + 1 : 'edited';
        },
        /trial\.params\.\w+: .* in the report, .* from the database/,
      ],
      [(r) => (r.document.owner = 'someone else'), /document\.owner: "someone else" in the report, null from the database/],
    ];
    for (const [edit, message] of edits) {
      const r = structuredClone(report);
      edit(r);
      writeFileSync(path, JSON.stringify(r, null, 2));
      const v = await runCli(['verify', path, '--db', db]);
      expect(v.code, v.stdout).toBe(1);
      expect(v.stdout).toMatch(/^MISMATCH: /);
      expect(v.stdout).toMatch(message);
    }
    // as written it verifies, under whatever ECOpt version and host wrote it
    writeFileSync(path, original);
    expect((await runCli(['verify', path, '--db', db])).code).toBe(0);
    const elsewhere = structuredClone(report);
    elsewhere.generator.version = '0.0.1';
    elsewhere.software.ecopt = '0.0.1';
    elsewhere.methodology = elsewhere.methodology.map((line) => line.replace(/by ECOpt [^;]+;/, 'by ECOpt 0.0.1;'));
    writeFileSync(path, JSON.stringify(elsewhere, null, 2));
    const v = await runCli(['verify', path, '--db', db]);
    expect(v.code, v.stdout).toBe(0);

    // the held-out test accuracy, as the app's trial detail shows it: in the report, and a report written before it was stated still verifies
    expect(report.trial.testAccuracy).toEqual(expect.any(Number));
    const before = structuredClone(report);
    delete before.trial.testAccuracy;
    writeFileSync(path, JSON.stringify(before, null, 2));
    const older0 = await runCli(['verify', path, '--db', db]);
    expect(older0.code, older0.stdout).toBe(0);
    expect(older0.stdout).toMatch(/This ECOpt also states trial\.testAccuracy, which the report \(written by an earlier ECOpt\) does not/);
    // each campaign run's machine (walk 43), said once for all the runs
    const hostless = structuredClone(report);
    for (const run of hostless.campaign.runs) delete run.host;
    writeFileSync(path, JSON.stringify(hostless, null, 2));
    const older1 = await runCli(['verify', path, '--db', db]);
    expect(older1.code, older1.stdout).toBe(0);
    expect(older1.stdout).toContain('This ECOpt also states campaign.runs[].host, which the report');
    // the data as the trainer read it (walk 45), likewise newly stated to a report written before
    expect(report.trial.data).toBeDefined();
    const dataless = structuredClone(report);
    delete dataless.trial.data;
    writeFileSync(path, JSON.stringify(dataless, null, 2));
    const older2 = await runCli(['verify', path, '--db', db]);
    expect(older2.code, older2.stdout).toBe(0);
    expect(older2.stdout).toContain('This ECOpt also states trial.data, which the report');
    // a machine the report names is checked like any fact
    const moved = structuredClone(report);
    moved.campaign.runs.at(-1)!.host = 'elsewhere';
    writeFileSync(path, JSON.stringify(moved, null, 2));
    expect((await runCli(['verify', path, '--db', db])).stdout).toMatch(/campaign\.runs\[\d+\]\.host: "elsewhere" in the report/);
    // but a test accuracy the report states is checked like any figure
    const raised = structuredClone(report);
    raised.trial.testAccuracy = 0.999;
    writeFileSync(path, JSON.stringify(raised, null, 2));
    expect((await runCli(['verify', path, '--db', db])).stdout).toMatch(/trial\.testAccuracy: 0\.999 in the report/);

    // a report an earlier build worded otherwise (same figures, same provenance) still verifies, and says so
    const sentence = report.methodology.findIndex((line) => /\d/.test(line) && /measured|estimated/.test(line));
    expect(sentence).toBeGreaterThanOrEqual(0);
    const older = structuredClone(report);
    older.methodology[sentence] = `As an earlier ECOpt put it: ${older.methodology[sentence]!.replace(/\bthe\b/g, 'teh')}`;
    writeFileSync(path, JSON.stringify(older, null, 2));
    const reworded = await runCli(['verify', path, '--db', db]);
    expect(reworded.code, reworded.stdout).toBe(0);
    expect(reworded.stdout).toMatch(new RegExp(`This ECOpt words one sentence otherwise, with the same figures and provenance \\(methodology\\[${sentence}\\]\\); write the report again`));
    // a figure an earlier build stated to fewer significant figures (the SCI row's 380.9 for 380.95) is wording too
    const token = /\d[\d,]*(?:\.\d+)?/g;
    const fewerFigures = (v: string) => {
      const n = Number(v.replace(/,/g, ''));
      const r = Number(n.toPrecision(3));
      // only where the rounded figure still shows 3 figures (10,045 → "10,000" shows one: not a statement of 3)
      const shown = String(r).replace('.', '').replace(/^0+/, '');
      const figures = String(r).includes('.') ? shown.length : shown.replace(/0+$/, '').length;
      return (n >= 1000 || /\.\d{2,}/.test(v)) && figures >= 3 ? r.toLocaleString('en-US', { maximumFractionDigits: 10 }) : v;
    };
    const precise = report.methodology.findIndex((line) => (line.match(token) ?? []).some((v) => fewerFigures(v) !== v && Number(fewerFigures(v).replace(/,/g, '')) !== Number(v.replace(/,/g, ''))));
    expect(precise).toBeGreaterThanOrEqual(0);
    const rounded = structuredClone(report);
    rounded.methodology[precise] = rounded.methodology[precise]!.replace(token, fewerFigures);
    expect(rounded.methodology[precise]).not.toBe(report.methodology[precise]);
    writeFileSync(path, JSON.stringify(rounded, null, 2));
    const fewer = await runCli(['verify', path, '--db', db]);
    expect(fewer.code, fewer.stdout).toBe(0);
    expect(fewer.stdout).toMatch(new RegExp(`words one sentence otherwise, with the same figures and provenance \\(methodology\\[${precise}\\]\\)`));
    // but a figure or a provenance word changed inside a sentence is a mismatch
    for (const change of [(t: string) => t.replace(/\d/, (d) => String((Number(d) + 1) % 10)), (t: string) => (/measured/.test(t) ? t.replace('measured', 'estimated') : t.replace('estimated', 'measured'))]) {
      const edited = structuredClone(report);
      edited.methodology[sentence] = change(edited.methodology[sentence]!);
      writeFileSync(path, JSON.stringify(edited, null, 2));
      const bad = await runCli(['verify', path, '--db', db]);
      expect(bad.code, bad.stdout).toBe(1);
      expect(bad.stdout).toMatch(new RegExp(`methodology\\[${sentence}\\]: .* in the report`));
    }
  });

  it('answers bad input with a clear message', async () => {
    const work = tmpDir();
    const cases: [string[], RegExp][] = [
      [['report', 'empty', '--db', db, '--out', work], /study "empty" has no complete trial yet/],
      [['report', 'reported', '--db', db, '--out', work, '--country', 'XYZ'], /unknown country "XYZ": give an ISO 3166 alpha-3 code/],
      [['report', 'reported', '--db', db, '--out', work, '--embodied-total', '1000'], /--embodied-total and --embodied-lifespan go together/],
      [['report', 'reported', '--db', db, '--out', work, '--training-type', 'transfer'], /--training-type: "transfer" is not one of pre-training, fine-tuning/],
      [['report', 'reported', '--db', db, '--out', work, '--pue', '0.9'], /PUE must be at least 1 .*got 0.9/],
      [['report', 'reported', '--db', db, '--out', work, '--trial', '99'], /has no trial 99/],
      [['report', 'reported', '--db', db, '--out', work, '--format', 'pdf,docx'], /unknown format "docx"/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const copy = join(work, 'no-infer.db');
    copyFileSync(db, copy);
    const raw = new Database(copy);
    raw.prepare("DELETE FROM windows WHERE phase = 'infer'").run();
    raw.close();
    const r = await runCli(['report', 'reported', '--db', copy, '--out', work]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no inference measurement window, so it has no energy per inference: pick a trial that completed its inference benchmark \(--trial\), or report per training run \(--unit training-run\)/);
  });

  it('reports a trial without its inference window per training run, inference marked not applicable', async () => {
    const work = tmpDir();
    const copy = join(work, 'no-infer.db');
    copyFileSync(db, copy);
    const raw = new Database(copy);
    raw.prepare("DELETE FROM windows WHERE phase = 'infer'").run();
    raw.close();
    const perRun = await runCli(['report', 'reported', '--db', copy, '--out', work, '--format', 'json', '--unit', 'training-run']);
    expect(perRun.code, perRun.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(work, 'energy-report.json'), 'utf8'))).toMatchObject({ inference: null, emissions: { inferencePer1000G: null }, payback: null, sci: { functionalUnit: 'training-run' } });
  });
});

describe('payback of the search', () => {
  it('says the same in the explorer, `ecopt show --payback` and the PDF', async () => {
    const api = new Api({ mode: 'serve', dbPath: db, emit: () => {} });
    let view;
    try {
      const front = await api.dispatch('study.get', { name: 'reported' });
      if (!front.ok) throw new Error(front.error);
      // a front trial that is not the most accurate, where there is one: the model a budget would pick
      const data = front.data as { front: number[]; trials: { number: number; metrics: { accuracy?: number } }[] };
      const acc = (n: number) => data.trials.find((t) => t.number === n)!.metrics.accuracy ?? 0;
      const pick = [...data.front].sort((a, b) => acc(a) - acc(b))[0]!;
      const got = await api.dispatch('study.payback', { name: 'reported', trial: pick });
      if (!got.ok) throw new Error(got.error);
      view = got.data as { payback: { chosenTrial: number; sentence: string; verdict: string; untuned?: true; text: { predictions: string; interval: string } } };
    } finally {
      api.close();
    }
    const p = view.payback;
    // a front of one model, the most accurate and the first trial: its own reference, the untuned model (walk 54)
    expect(p.untuned ? ['same-model'] : ['pays-back', 'never']).toContain(p.verdict);
    const show = await runCli(['show', 'reported', '--db', db, '--payback']);
    expect(show.code).toBe(0);
    // the same figures; show lists the whole front, so no row is called the chosen one
    expect(show.stdout).toContain(p.sentence.replace(' (chosen)', '').replace('the chosen model uses', 'it uses'));
    expect(show.stdout).not.toContain('(chosen)');
    expect(show.stdout).toMatch(new RegExp(`#${p.chosenTrial}\\s+#\\d+\\s+.*\\s${p.text.predictions.replace(/[.()]/g, '\\$&')}\\s`));
    const out = join(tmpDir(), 'pb');
    expect((await runCli(['report', 'reported', '--db', db, '--out', out, '--format', 'pdf,json', '--trial', String(p.chosenTrial)])).code).toBe(0);
    const pdf = pdfText(join(out, 'energy-report.pdf')).replace(/\s+/g, ' ');
    expect(pdf).toContain(p.sentence);
    const json = JSON.parse(readFileSync(join(out, 'energy-report.json'), 'utf8')) as EnergyReport;
    expect(json.payback).toEqual(p);
    if (p.verdict === 'pays-back') expect(pdf).toContain(`${p.text.predictions} predictions (interval ${p.text.interval})`);
    else if (p.untuned) expect(pdf).toMatch(/Payback point never: nothing is saved per prediction/);
    else expect(pdf).toMatch(/Payback point never, in energy/);
    // its carbon in the country given, as the report takes it
    const france = await runCli(['show', 'reported', '--db', db, '--payback', '--country', 'FRA']);
    expect(france.code).toBe(0);
    expect(france.stdout).toMatch(/\), [\d.]+ [µm]?g CO2e at \d+(\.\d+)? gCO2e\/kWh \(France\), PUE 1\.\n/);
    expect((await runCli(['show', 'reported', '--db', db, '--country', 'FRA'])).stderr).toMatch(/--country goes with --payback/);
    // the report's PUE, given to the payback too (walk 55: '--pue' was an unknown option there)
    const pue = await runCli(['show', 'reported', '--db', db, '--payback', '--country', 'FRA', '--pue', '1.3']);
    expect(pue.code, pue.stderr).toBe(0);
    // the grid's intensity and the facility's overhead apart, and the grams (walk 56: "457.14 (Germany, PUE 1.2)" read as Germany's)
    const grid = /[\d.]+ [µm]?g CO2e at (\d+(?:\.\d+)?) gCO2e\/kWh \(France\) × PUE 1\.3 = (\d+(?:\.\d+)?) gCO2e\/kWh\.\n/.exec(pue.stdout);
    expect(grid, pue.stdout).not.toBeNull();
    expect(Number(grid![2])).toBeCloseTo(Number(grid![1]) * 1.3, 1);
    expect((await runCli(['show', 'reported', '--db', db, '--payback', '--pue', 'abc'])).stderr).toMatch(/--pue: "abc" is not a number; give the facility's power usage effectiveness, e\.g\. --pue 1\.3/);
    const bad = await runCli(['show', 'reported', '--db', db, '--payback', '--reference', '99']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/there is no trial 99 to compare with/);
  });
});

describe('an idle baseline taken while other programs kept the machine busy', () => {
  it('is not charged to the study: the campaign leaves it out and says so, the whole machine\'s figure keeps it', async () => {
    const copy = join(tmpDir(), 'busy.db');
    copyFileSync(db, copy);
    const store = new Store(copy);
    const study = store.requireStudy('reported');
    const before = buildReport(store, 'reported').campaign;
    // 10 s at 85 W while other programs kept both cores busy
    store.insertWindow(study.id, null, {
      phase: 'idle',
      startedAtMs: Date.now(),
      durationS: 10,
      domains: [{ domain: 'cpu-package', energyJ: 850, provenance: { method: 'estimated', source: 'cpu-tdp-estimate', model: 'tdp-linear-utilisation', inputs: { tdpW: 85 }, uncertaintyRel: 0.6 } }],
      cpu: { cores: 2, machineBusyS: 20, treeS: null },
      flags: [{ domain: '*', kind: 'baseline-under-load', message: 'other programs kept the CPU 100% busy while the idle baseline was taken' }],
    } as never);
    const report = buildReport(store, 'reported');
    store.close();
    const c = report.campaign;
    expect(c.energyJ).toBeCloseTo(before.energyJ, 9);
    expect(c.grossEnergyJ).toBeCloseTo(before.grossEnergyJ + 850, 9);
    expect(c.idle).toMatchObject({ windows: before.idle.windows, underLoad: before.idle.underLoad + 1, underLoadGrossJ: before.idle.underLoadGrossJ + 850, underLoadDurationS: before.idle.underLoadDurationS + 10 });
    expect(c.runs).toHaveLength(before.runs.length);
    expect(report.gpai.developmentEnergy.text).toMatch(/taken while other programs kept the machine busy, not counted/);
    const md = renderMarkdown(report);
    expect(md).toMatch(/Idle baselines \| .*taken while other programs kept the machine busy \(.*; the machine drew .*, mostly their work\): not counted/);
  });
});

describe('a trial killed before it stored anything', () => {
  it('is counted in the campaign, which says its energy is missing rather than showing "none"', async () => {
    const copy = join(tmpDir(), 'killed.db');
    copyFileSync(db, copy);
    const store = new Store(copy);
    const study = store.requireStudy('reported');
    // a worker claimed a trial and was killed with -9; another marked it interrupted
    const t = store.claimTrial(study.id, { params: { units: 32 }, retryOf: null, worker: { host: 'gone', pid: 1 }, hardwareClass: 'aaaa0000', budget: 10 })!;
    store.interruptTrial(t.id, 'the worker running this trial stopped or lost contact');
    const report = buildReport(store, 'reported');
    store.close();
    expect(report.campaign.byState.interrupted.trials).toBe(1);
    expect(report.campaign.byState.interrupted.windows).toBe(0);
    expect(report.methodology.join(' ')).toMatch(/1 trial stopped before storing what it measured .*lower bound/);
    const out = join(tmpDir(), 'killed');
    const made = await runCli(['report', 'reported', '--db', copy, '--out', out, '--format', 'md']);
    expect(made.code, made.stderr).toBe(0);
    const md = readFileSync(join(out, 'energy-report.md'), 'utf8');
    expect(md).toMatch(/Interrupted trials \| 1 trial: energy not recorded; it stopped before storing what it measured \(its process was killed, or its worker lost contact\), so the campaign's figures leave it out/);
    // the campaign's total says it is a lower bound where it is stated, not only further down
    expect(md).toMatch(/\| Whole campaign \| [\d.]+ [kMm]?J \(at least: 1 trial stopped before storing what it measured\) = /);
  }, 120_000);
});

describe('a study run on several hardware classes', () => {
  it('reports one class at a time: its trials and its machine, chosen by --hardware-class or the trial; without either it asks', async () => {
    const copy = join(tmpDir(), 'classes.db');
    copyFileSync(db, copy);
    // two machines' workers: trial 0 on one class, the others on another (the columns the workers write)
    const raw = new Database(copy);
    const study = raw.prepare("SELECT id FROM studies WHERE name = 'reported'").get() as { id: number };
    raw.prepare('UPDATE trials SET hardware_class = ?, host = ? WHERE study_id = ? AND number = 0').run('aaaa0000', 'rack-1', study.id);
    raw.prepare('UPDATE trials SET hardware_class = ?, host = ? WHERE study_id = ? AND number > 0').run('bbbb1111', 'laptop', study.id);
    raw.close();
    const store = new Store(copy);
    const estimate = [{ id: 'cpu-tdp-estimate', domains: ['cpu'], status: 'ok', detail: 'estimate from the CPU TDP' }];
    store.putHardwareClass(study.id, 'aaaa0000', { cpu_model: 'Rack CPU 9000', cpu_logical_cores: '64', gpu_model: 'none', counters: 'estimate', label: 'Rack CPU 9000 · estimate', meters_json: JSON.stringify(estimate) });
    store.putHardwareClass(study.id, 'bbbb1111', { cpu_model: 'Laptop CPU 5', cpu_logical_cores: '8', gpu_model: 'none', counters: 'estimate', label: 'Laptop CPU 5 · estimate', meters_json: JSON.stringify(estimate) });
    expect(() => buildReport(store, 'reported')).toThrow(/ran on 2 hardware classes.*--hardware-class <id>.*aaaa0000 \(Rack CPU 9000 · estimate\); bbbb1111 \(Laptop CPU 5 · estimate\)/);
    expect(() => buildReport(store, 'reported', { hardwareClass: 'cccc2222' })).toThrow(/no complete trial of hardware class "cccc2222"/);
    const rack = buildReport(store, 'reported', { hardwareClass: 'aaaa0000' });
    expect(rack.trial.number).toBe(0);
    expect(rack.hardware.cpuModel).toBe('Rack CPU 9000');
    expect(rack.hardware.cpuLogicalCores).toBe(64);
    const laptop = buildReport(store, 'reported', { trialNumber: 2 });
    expect(laptop.trial.number).toBe(2);
    expect(laptop.hardware.cpuModel).toBe('Laptop CPU 5');
    // the host that measured the chosen model is named (the report may be made elsewhere, from a copy)
    expect(laptop.hardware.recorded.host).toBe('laptop');
    expect(laptop.hardware.summary).toMatch(/; host: laptop$/);
    // the campaign is the whole study's: joules spent on either machine add up
    expect(laptop.campaign.energyJ).toBeCloseTo(rack.campaign.energyJ, 9);
    store.close();
    // the CLI: asked to choose, then a report of one class that verifies against the file
    const asked = await runCli(['report', 'reported', '--db', copy, '--out', join(tmpDir(), 'x')]);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/--hardware-class/);
    const out = join(tmpDir(), 'rack');
    const made = await runCli(['report', 'reported', '--db', copy, '--out', out, '--format', 'json', '--hardware-class', 'aaaa0000']);
    expect(made.code, made.stderr).toBe(0);
    const verified = await runCli(['verify', join(out, 'energy-report.json'), '--db', copy]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  }, 120_000);
});

describe('report JSON Schema', () => {
  it('is the file in the repository, generated from the zod schema', () => {
    const file = JSON.parse(readFileSync(join(ROOT, 'resources/schemas/energy-report.schema.json'), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
  });
});
