import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProcStat } from '../../src-main/engine/meters/proc-tree';
import { campaignFigures } from '../../src-main/engine/reports/campaign';
import { CODECARBON_COLUMNS } from '../../src-main/engine/reports/render/csv';
import { loadSpecFile } from '../../src-main/engine/space/load-spec';
import { Store } from '../../src-main/engine/store/store';
import { reportSchema } from '../../src-main/shared/report';
import { ROOT, runCli, startCli } from '../helpers/cli';
import { writeSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';

const FIXTURE = join(ROOT, 'test/fixtures/commands/echo-params.mjs');
// The worked example is plain Python: Debian's interpreter, which .ci/run makes sure exists.
const PYTHON = process.env.ECOPT_PYTHON ?? '/usr/bin/python3';

function commandSpec(name: string, argv: string[], space: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    name,
    model: 'command',
    command: { argv, cwd: ROOT, ...extra },
    space,
    objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
    sampler: 'sobol',
    trials: 1,
    trial: { timeoutS: 30 },
    meters: { idleBaselineS: 0 },
  };
}

function trialsOf(db: string, name: string) {
  const store = new Store(db, { readonly: true });
  const study = store.requireStudy(name);
  const trials = store.getTrials(study.id).map((t) => ({ ...t, attrs: store.getTrialAttrs(t.id), windows: store.getWindows({ trialId: t.id }) }));
  store.close();
  return trials;
}

describe('command trials (real child processes)', () => {
  it('passes parameters as argv, environment and a JSON file, without a shell', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const pwned = join(dir, 'pwned');
    const spec = writeSpec(
      dir,
      commandSpec('params', [process.execPath, FIXTURE, 'ok', '--x', '{x}', '--label', '{label}', '{{literal}}'], {
        x: { type: 'fixed', value: 3 },
        label: { type: 'fixed', value: `a b; touch ${pwned} && echo $HOME` },
      }),
    );
    const r = await runCli(['tune', spec, '--db', db]);
    expect(r.code).toBe(0);
    const [t] = trialsOf(db, 'params');
    expect(t!.state).toBe('complete');
    expect(t!.metrics.accuracy).toBeCloseTo(0.8, 12);
    expect(t!.attrs.reported_argv).toEqual(['--x', '3', '--label', `a b; touch ${pwned} && echo $HOME`, '{literal}']);
    expect(t!.attrs.reported_env_x).toBe('3');
    expect(t!.attrs.reported_file).toEqual({ x: 3, label: `a b; touch ${pwned} && echo $HOME` });
    expect(existsSync(pwned)).toBe(false);
    // the infer window got the reported samples; energy per sample follows from it
    const infer = t!.windows.find((w) => w.phase === 'infer')!;
    expect(infer.samples).toBe(1000);
    // a command reports no timing: its windows give its training time and latency per prediction
    expect(t!.metrics.train_duration_s).toBe(t!.windows.find((w) => w.phase === 'train')!.durationS);
    expect(t!.metrics.infer_latency_s_per_sample).toBeCloseTo(infer.durationS / 1000, 15);
    // the objective is the trial's own share; the machine's figure is kept beside it
    expect(t!.metrics.infer_energy_j_per_sample).toBeCloseTo(infer.domains.reduce((a, d) => a + d.attributedEnergyJ!, 0) / 1000, 12);
    expect(t!.metrics.infer_energy_gross_j_per_sample).toBeCloseTo(infer.domains.reduce((a, d) => a + d.energyJ, 0) / 1000, 12);
    expect(t!.metrics.infer_energy_j_per_sample!).toBeLessThanOrEqual(t!.metrics.infer_energy_gross_j_per_sample!);
    expect(t!.attrs.learning_curve).toEqual([{ step: 1, metric: 0.9 }]);
    // the command's own process tree is followed for attribution
    for (const w of t!.windows) expect(w.cpu).toMatchObject({ treeS: expect.any(Number), cores: expect.any(Number) });
    // its report says what the command reported of its predictions, with no placeholders
    const out = join(dir, 'report');
    expect((await runCli(['report', 'params', '--db', db, '--out', out, '--format', 'json'])).code).toBe(0);
    const report = reportSchema.parse(JSON.parse(readFileSync(join(out, 'energy-report.json'), 'utf8')));
    const benchmark = report.gpai.inference!.benchmark;
    // the report names the command that made the model, and its script's SHA-256 as the trial started (walk 37)
    expect(report.trial.command!.argv.slice(1, 3)).toEqual([FIXTURE, 'ok']);
    expect(report.trial.command!.argv).toContain('{literal}');
    expect(resolve(report.trial.command!.cwd)).toBe(resolve(ROOT));
    expect(report.trial.command!.files).toEqual({ [relative(ROOT, FIXTURE)]: createHash('sha256').update(readFileSync(FIXTURE)).digest('hex') });
    // and the test accuracy the command reported, as it reported it
    expect(report.trial.testAccuracy).toBe(0.7);
    expect(benchmark).toMatch(/^1,000 predictions, as the training command reported them \(its own inference phase, [\d.]+ m?s; how it batched or repeated them was not reported\)$/);
  });

  it('{"ecopt": "pause"} closes the open window: work between phases is in neither', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const spec = writeSpec(dir, commandSpec('pause', [process.execPath, FIXTURE, 'pause'], { x: { type: 'fixed', value: 1 } }));
    const r = await runCli(['tune', spec, '--db', db]);
    expect(r.code).toBe(0);
    const [t] = trialsOf(db, 'pause');
    expect(t!.state).toBe('complete');
    const [train, infer] = ['train', 'infer'].map((p) => t!.windows.find((w) => w.phase === p)!);
    // 300 ms of busy CPU in each window; the 500 ms between them in neither (a window holding
    // the pause would last 0.8 s or more: the bound leaves room for a loaded CI machine, where
    // 300 ms of CPU took 0.505 s of wall time)
    for (const w of [train!, infer!]) {
      expect(w.durationS).toBeGreaterThan(0.25);
      expect(w.durationS).toBeLessThan(0.75);
    }
    expect(infer!.startedAtMs - (train!.startedAtMs + train!.durationS * 1000)).toBeGreaterThan(400);
  });

  it('a pause before any phase line leaves the start-up out; a phase entered again adds to its window', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const spec = writeSpec(dir, commandSpec('stretches', [process.execPath, FIXTURE, 'startup-pause'], { x: { type: 'fixed', value: 1 } }));
    const r = await runCli(['tune', spec, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const [t] = trialsOf(db, 'stretches');
    expect(t!.state).toBe('complete');
    // one train window: the two 200 ms stretches (each train window used to be kept apart, and the
    // figures read the first only: here the 400 ms start-up)
    expect(t!.windows.map((w) => w.phase)).toEqual(['train', 'infer']);
    const train = t!.windows[0]!;
    expect(train.durationS).toBeGreaterThan(0.35);
    expect(train.durationS).toBeLessThan(0.7);
    expect(t!.metrics.train_duration_s).toBe(train.durationS);
    expect(train.cpu!.treeS!).toBeGreaterThan(0.25);
    // the whole process, start-up and pause included, measured beside the phases: the campaign
    // (what developing the model cost) counts it, the training figure does not (walk 37: a
    // PyTorch script's imports were in neither, and the campaign read about half of what it cost)
    const whole = t!.attrs.process_energy as { startedAtMs: number; durationS: number; energyJ: number; grossEnergyJ: number; method: string; uncertaintyRel: number | null };
    const infer = t!.windows[1]!;
    expect(whole.durationS).toBeGreaterThan(train.durationS + infer.durationS + 0.6);
    expect(whole.startedAtMs).toBeLessThanOrEqual(train.startedAtMs);
    expect(whole.method).toBe('estimated');
    const phasesJ = t!.windows.reduce((a, w) => a + w.domains.reduce((b, d) => b + (d.attributedEnergyJ ?? 0), 0), 0);
    expect(whole.energyJ).toBeGreaterThan(phasesJ * 1.5);
    const store = new Store(db, { readonly: true });
    const study = store.requireStudy('stretches');
    const c = campaignFigures(store.campaignWindows(study.id), 100, store.getTrials(study.id), store.processEnergies(study.id));
    const phasesOnly = campaignFigures(store.campaignWindows(study.id), 100, store.getTrials(study.id));
    const processOf = store.processEnergies(study.id).get(t!.number)!;
    store.close();
    // the trial's run starts with its process, and the campaign's span covers it (walk 55: a run started at its first phase but lasted the whole process, past the next run's start)
    const run = c.runs.find((r) => r.trial === t!.number)!;
    expect(run.startedAtMs).toBe(processOf.startedAtMs);
    expect(run.durationS).toBeCloseTo(processOf.durationS, 6);
    expect(c.spanS! * 1000).toBeGreaterThanOrEqual(processOf.durationS * 1000 - 1);
    expect(c.outsidePhases!.trials).toBe(1);
    expect(c.outsidePhases!.energyJ).toBeCloseTo(whole.energyJ - phasesJ, 6);
    expect(c.energyJ).toBeCloseTo(phasesOnly.energyJ + c.outsidePhases!.energyJ, 6);
    expect(c.byState.complete.energyJ).toBeCloseTo(phasesOnly.byState.complete.energyJ + c.outsidePhases!.energyJ, 6);
    // CodeCarbon's rows add up to the same campaign
    expect(c.runs.reduce((a, r) => a + r.energyJ, 0)).toBeCloseTo(c.energyJ, 6);
    expect(phasesOnly.outsidePhases).toBeUndefined();
  });

  it('reads a metrics file when the study names one', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const out = join(dir, 'metrics-{x}.json');
    // a training-only script: its study asks only for what it reports
    const spec = writeSpec(dir, {
      ...commandSpec('mfile', [process.execPath, FIXTURE, 'metrics-file', out], { x: { type: 'fixed', value: 7 } }, { metricsFile: out }),
      objectives: [{ metric: 'accuracy' }, { metric: 'train_energy_j' }],
    });
    expect((await runCli(['tune', spec, '--db', db])).code).toBe(0);
    expect(trialsOf(db, 'mfile')[0]!.metrics.accuracy).toBe(0.77);
    expect(readFileSync(join(dir, 'metrics-7.json'), 'utf8')).toContain('0.77');
  });

  it.each([
    ['not found', ['/nonexistent/python9', 'x.py'], /command not found: "\/nonexistent\/python9" .*check the path in command\.argv or install it/],
    ['exits non-zero', [process.execPath, FIXTURE, 'fail'], /exited with code 3; its last error lines:\nTraceback[\s\S]*ValueError: learning rate too high/],
    ['prints no metrics', [process.execPath, FIXTURE, 'silent'], /printed no metrics: make its last line on stdout a JSON object such as \{"accuracy": 0.93/],
    ['prints invalid JSON', [process.execPath, FIXTURE, 'badjson'], /the last line .* printed is not valid JSON \(.*\); print one JSON object/],
    // a percentage would be shown as 7400% and put the trial at the top of the front
    ['prints accuracy as a percentage', [process.execPath, FIXTURE, 'percent'], /printed accuracy = 74, which is not a fraction between 0 and 1: print accuracy as a fraction \(0\.74 for 74%\)/],
    ['prints a metric that is not a number', [process.execPath, FIXTURE, 'text-metric'], /printed accuracy = "0\.9O", which is not a number: print it as a JSON number/],
    ['reports no predictions', [process.execPath, FIXTURE, 'no-samples'], /printed infer_samples = 0: report the number of predictions made in the inference phase, a positive number/],
    // its predictions' energy would be 0 J, unflagged, and the trial the front's most frugal
    ['sends its phase lines all at once (buffered, through a pipe)', [process.execPath, FIXTURE, 'buffered'], /the inference phase of .* lasted [\d.]+ ms for 1000 predictions: .*flush stdout after each line \(python -u, or print\(\.\.\., flush=True\)\)/],
  ])('a command that %s fails its trial with a clear message, and the study goes on', async (_what, argv, message) => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const spec = writeSpec(dir, { ...commandSpec('bad', argv, { x: { type: 'int', low: 1, high: 3 } }), trials: 2 });
    const r = await runCli(['tune', spec, '--db', db]);
    const trials = trialsOf(db, 'bad');
    expect(trials.map((t) => t.state)).toEqual(['failed', 'failed']);
    expect(trials[0]!.failure!.message).toMatch(message);
    // no trial completed: the run failed, and says why
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No trial of "bad" completed: all 2 failed, the last with: /);
    // a failed trial records no attribution: nothing is said of whose its energy was (walk 50: "the whole machine's (no per-process accounting)")
    expect(r.stdout).not.toMatch(/no per-process accounting/);
    // the failed trials spent the budget: the command to run after the fix leaves room (walk 44: "run the same command again" ran nothing)
    expect(r.stderr).toMatch(/Fix that, then run \S*ecopt tune \S+ --db \S+ --trials 4 \(failed trials count towards the budget of 2, so the same command would run nothing\); if the fix is in \S+ itself \(its command, space or objectives\), give the study a new "name" there too/);
  });

  it('kills the whole process tree when a trial times out', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const pidFile = join(dir, 'child.pid');
    const spec = writeSpec(dir, { ...commandSpec('hang', [process.execPath, FIXTURE, 'hang', pidFile], { x: { type: 'fixed', value: 1 } }), trial: { timeoutS: 1.5 } });
    const r = await runCli(['tune', spec, '--db', db]);
    expect(r.code).toBe(1); // its one trial failed
    expect(trialsOf(db, 'hang')[0]!.failure!.message).toMatch(/ran longer than its 1.5 s limit and was stopped with its child processes/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((res) => setTimeout(res, 2500));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('keeps every numeric key of a step line, and fails a trial missing an objective’s metric by name before running more', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const spec = writeSpec(dir, { ...commandSpec('torch', [process.execPath, FIXTURE, 'torchlike'], { x: { type: 'int', low: 1, high: 3 } }), trials: 3 });
    const r = await runCli(['tune', spec, '--db', db]);
    // the study cannot meet its objectives with this script: refused after the first trial shows it
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/infer_energy_j_per_sample needs an inference phase: print \{"phase": "infer"\}/);
    const trials = trialsOf(db, 'torch');
    expect(trials.map((t) => t.state)).toEqual(['failed']);
    expect(trials[0]!.failure!.kind).toBe('missing-metric');
    expect(trials[0]!.attrs.learning_curve).toEqual([
      { step: 1, accuracy: 0.8 + 1 / 100, loss: 1 },
      { step: 2, accuracy: 0.8 + 2 / 100, loss: 0.5 },
      { step: 3, accuracy: 0.8 + 3 / 100, loss: 1 / 3 },
    ]);
  });

  it('never stores an energy figure a script prints as a measurement: ECOpt measures it, the script\'s is kept as reported', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const spec = writeSpec(dir, { ...commandSpec('own', [process.execPath, FIXTURE, 'own-energy'], { x: { type: 'int', low: 1, high: 3 } }), objectives: [{ metric: 'accuracy' }, { metric: 'train_energy_j' }] });
    const r = await runCli(['tune', spec, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const [t] = trialsOf(db, 'own');
    expect(t!.state).toBe('complete');
    // the training figure is the measured, attributed one; no inference window, no inference figure
    expect(t!.metrics.train_energy_j).not.toBe(5);
    expect(t!.metrics.train_energy_j).toBeGreaterThan(0);
    expect(t!.metrics.infer_energy_j_per_sample).toBeUndefined();
    expect(t!.attrs.reported_train_energy_j).toBe(5);
    expect(t!.attrs.reported_infer_energy_j_per_sample).toBe(1e-6);
  });

  it('reports a study of a script that never sends an inference phase per training run, and says to when asked per inference', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    // the PyTorch-like script: step lines and a final metrics line, no {"phase": "infer"}
    const spec = writeSpec(dir, { ...commandSpec('train-only', [process.execPath, FIXTURE, 'torchlike'], { x: { type: 'int', low: 1, high: 3 } }), objectives: [{ metric: 'accuracy' }, { metric: 'train_energy_j' }], trials: 2 });
    expect((await runCli(['tune', spec, '--db', db])).code).toBe(0);
    const trials = trialsOf(db, 'train-only');
    expect(trials.map((t) => [t.state, t.windows.map((w) => w.phase)])).toEqual([['complete', ['train']], ['complete', ['train']]]);

    const asked = await runCli(['report', 'train-only', '--db', db, '--out', join(dir, 'per-inference')]);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/study "train-only" measures training only: .*no inference measurement window.*ecopt report train-only --unit training-run/);
    expect(existsSync(join(dir, 'per-inference'))).toBe(false);

    const out = join(dir, 'report');
    const r = await runCli(['report', 'train-only', '--db', db, '--unit', 'training-run', '--country', 'FRA', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/inference not applicable \(no inference benchmark; per training run\)/);
    const report = reportSchema.parse(JSON.parse(readFileSync(join(out, 'energy-report.json'), 'utf8')));
    const chosen = trials.find((t) => t.number === report.trial.number)!;
    // the trial's own training energy, as its objective stored it, each domain with its provenance
    expect(report.training.energyJ).toBeGreaterThan(0);
    expect(report.training.energyJ).toBeCloseTo(chosen.metrics.train_energy_j!, 9);
    expect(report.training.energyJ).toBeLessThanOrEqual(report.training.grossEnergyJ);
    for (const d of report.training.domains) expect(['measured', 'estimated']).toContain(d.provenance.method);
    expect(report).toMatchObject({ inference: null, pareto: null, payback: null, emissions: { inferencePer1000G: null }, gpai: { inference: null }, sci: { functionalUnit: 'training-run' } });
    expect(report.sci.itEnergyKWh).toBeCloseTo(report.training.energyKWh, 15);

    const pdf = execFileSync('pdftotext', ['-layout', join(out, 'energy-report.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(pdf).toContain(`Energy report: train-only, trial ${report.trial.number}`);
    expect(pdf).toContain(`${report.training.energyMWh2sf} MWh`);
    expect(pdf).toMatch(/Inference not applicable: trial \d+ ran no inference benchmark/);
    expect(pdf).toContain('per one training run');
    // the command that made the model, in the PDF and the Markdown alike
    const fixtureSha = createHash('sha256').update(readFileSync(FIXTURE)).digest('hex');
    for (const text of [pdf, readFileSync(join(out, 'energy-report.md'), 'utf8').replace(/\s+/g, ' ')]) {
      expect(text).toMatch(/Training command \|? ?\S*node\S* \S*echo-params\.mjs/);
      expect(text).toContain(`SHA-256 ${fixtureSha}`);
      // the whole processes, start-up included, are in the campaign
      expect(text).toMatch(/including [\d.]+ [µm]?J that the trials' processes used outside their measured phases/);
    }
    for (const f of ['energy-report.pdf', 'energy-report.md', 'gpai-energy-rows.md']) {
      const text = f.endsWith('.pdf') ? pdf : readFileSync(join(out, f), 'utf8');
      expect(text, f).not.toMatch(/\d[\d.,]* [µm]?J per (prediction|sample)/);
    }
    expect(readFileSync(join(out, 'gpai-energy-rows.md'), 'utf8')).toMatch(/Benchmarked computation and energy for inference \| Not applicable/);
    expect(readFileSync(join(out, 'model-card-co2.yaml'), 'utf8')).toMatch(/^co2_eq_emissions:\n {2}emissions: [\d.e-]+/m);
    expect(readFileSync(join(out, 'emissions.csv'), 'utf8').split('\n')[0]!.split(',')).toEqual([...CODECARBON_COLUMNS]);
    const verified = await runCli(['verify', join(out, 'energy-report.json'), '--db', db]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^OK: /);
  });

  it('a trial never outlives a killed ecopt: kill -9 during a silent command stops its whole tree, and resume re-runs it', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const pidFile = join(dir, 'pids');
    const spec = writeSpec(dir, { ...commandSpec('orphan', [process.execPath, FIXTURE, 'silent-hang', pidFile], { x: { type: 'fixed', value: 1 } }), trial: { timeoutS: 2 } });
    const ecopt = startCli(['tune', spec, '--db', db]);
    const deadline = Date.now() + 30_000;
    while (!existsSync(pidFile) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    const pids = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
    expect(pids).toHaveLength(2);
    ecopt.kill('SIGKILL');
    await new Promise((res) => setTimeout(res, 3500));
    for (const pid of pids) expect(() => process.kill(pid, 0), `process ${pid} outlived ecopt`).toThrow();
    expect(trialsOf(db, 'orphan')[0]!.state).toBe('running');
    const resumed = await runCli(['tune', spec, '--db', db]);
    expect(resumed.code).toBe(1); // the re-run timed out too: no trial completed
    expect(trialsOf(db, 'orphan').map((t) => t.state)).toEqual(['interrupted', 'failed']);
  });

  it('a resumed study stops a process group a dead run left running, and not a process that merely reuses its pid', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const spec = writeSpec(dir, commandSpec('leftover', [process.execPath, FIXTURE, 'ok'], { x: { type: 'fixed', value: 1 } }));
    // what a run killed together with its guard leaves: trials still marked running, their process groups recorded
    const left = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    const stranger = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    const ended = (c: ChildProcess) => new Promise<NodeJS.Signals | null>((res) => (c.exitCode !== null || c.signalCode !== null ? res(c.signalCode) : c.once('exit', (_code, sig) => res(sig))));
    try {
      const store = new Store(db);
      const study = store.createStudy(loadSpecFile(spec));
      for (const [child, ticks] of [[left, 0], [stranger, 1]] as const) {
        const t = store.createTrial(study.id, { x: 1 });
        store.startTrial(t.id);
        // the stranger's recorded start time differs: the same pid, another process
        store.setTrialAttr(t.id, 'process', { pgid: child.pid!, startTicks: readProcStat(child.pid!)!.startTicks + ticks });
      }
      store.close();
      const r = await runCli(['tune', spec, '--db', db]);
      expect(r.code, r.stderr).toBe(0);
      expect(await Promise.race([ended(left), new Promise((res) => setTimeout(() => res('still running'), 3000))])).toBe('SIGTERM');
      expect(stranger.exitCode === null && stranger.signalCode === null, 'a process that only reuses a recorded pid was killed').toBe(true);
      const states = trialsOf(db, 'leftover').map((t) => t.state);
      expect(states.slice(0, 2)).toEqual(['interrupted', 'interrupted']);
      expect(states).toContain('complete');
    } finally {
      left.kill('SIGKILL');
      stranger.kill('SIGKILL');
    }
  });

  it('runs the worked Python example end to end', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const spec = JSON.parse(readFileSync(join(ROOT, 'examples/python/study.json'), 'utf8'));
    spec.command.argv[0] = PYTHON;
    spec.command.cwd = join(ROOT, 'examples/python');
    spec.trials = 2;
    spec.meters = { idleBaselineS: 0 };
    const r = await runCli(['tune', writeSpec(dir, spec), '--db', db]);
    expect(r.code).toBe(0);
    const trials = trialsOf(db, 'python-softmax');
    expect(trials.map((t) => t.state)).toEqual(['complete', 'complete']);
    for (const t of trials) {
      // the example is deterministic (fixed shuffle, zero start): these trials reach 0.95 and 0.875
      expect(t.metrics.accuracy).toBeGreaterThan(0.3);
      expect(t.metrics.infer_energy_j_per_sample).toBeGreaterThan(0);
      // the start-up paused out of every phase; scoring in evaluate, out of inference (walk 50: the README's snippet counted import torch as training)
      expect(t.windows.map((w) => w.phase)).toEqual(['train', 'infer', 'evaluate']);
      expect((t.attrs.learning_curve as unknown[]).length).toBe(t.params.epochs);
    }
  });
});

describe("a command trial's model, taken away", () => {
  it('does not fingerprint the model file it hands back as a file its command line names (walk 44: an earlier trial\'s model.pt, "to check")', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    writeFileSync(join(dir, 'data.csv'), 'x\n1\n');
    const spec = writeSpec(dir, { ...commandSpec('outfile', [process.execPath, FIXTURE, 'artifact-file', 'model.pt', 'data.csv'], { x: { type: 'int', low: 1, high: 4 } }, { cwd: dir }), trials: 2 });
    expect((await runCli(['tune', spec, '--db', db])).code).toBe(0);
    const trials = trialsOf(db, 'outfile');
    expect(trials.map((t) => t.state)).toEqual(['complete', 'complete']);
    // the input it names is fingerprinted, the model it wrote (there from the trial before) is not
    for (const t of trials) expect(Object.keys(t.attrs.command_files as Record<string, string>)).toEqual(['data.csv']);
  });

  it('keeps what the command hands back, picks it by a budget and exports it with the command line that made it', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const spec = writeSpec(dir, { ...commandSpec('handback', [process.execPath, FIXTURE, 'artifact', join(dir, 'saved')], { x: { type: 'int', low: 1, high: 4 } }), trials: 3 });
    expect((await runCli(['tune', spec, '--db', db])).code).toBe(0);
    const trials = trialsOf(db, 'handback').filter((t) => t.state === 'complete');
    expect(trials.length).toBe(3);
    for (const t of trials) {
      expect(readFileSync(join(dir, 'models', 'handback', `trial-${t.number}`, 'model.bin'), 'utf8')).toBe(`weights for x=${t.params.x}`);
      // its fingerprint, stored as kept: the report names it
      expect(t.attrs.artifact_sha256).toEqual({ 'model.bin': createHash('sha256').update(`weights for x=${t.params.x}`).digest('hex') });
    }
    // the budget picks as the explorer does, and says how to take the model away
    const best = [...trials].sort((a, b) => b.metrics.accuracy! - a.metrics.accuracy!)[0]!;
    const show = await runCli(['show', 'handback', '--db', db, '--budget', 'at least 50% accuracy and at most 1 J per prediction']);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/Budget read as: accuracy ≥ 50% and energy per prediction ≤ 1 J\./);
    // the commands read the same file the show did
    expect(show.stdout).toContain(`export handback --db ${db} --trial `);
    // without --out: the folder is named after the trial the export chose (the most accurate)
    const exported = await runCli(['export', 'handback', '--db', db], {}, dir);
    expect(exported.code).toBe(0);
    const out = join(dir, `handback-trial-${best.number}`);
    expect(readFileSync(join(out, 'model.bin'), 'utf8')).toBe(`weights for x=${best.params.x}`);
    expect(JSON.parse(readFileSync(join(out, 'params.json'), 'utf8'))).toEqual(best.params);
    const card = readFileSync(join(out, 'model-card.md'), 'utf8');
    expect(card).toContain(`${process.execPath} ${FIXTURE} artifact ${join(dir, 'saved')}`);
    // the script the command line names, fingerprinted as the trial started (the interpreter, outside the folder, is not)
    const script = createHash('sha256').update(readFileSync(FIXTURE)).digest('hex');
    expect(best.attrs.command_files).toEqual({ 'test/fixtures/commands/echo-params.mjs': script });
    expect(card).toContain(`- \`test/fixtures/commands/echo-params.mjs\`: SHA-256 \`${script}\``);
    expect(card).toMatch(/\| Energy per prediction \(this model's own share\) \| .* — (estimated|measured)/);
    expect(exported.stdout).toMatch(/in its own format: load it with your script/);
    // ecopt predict says what the folder is rather than "not an exported ECOpt model"
    const predicted = await runCli(['predict', out, spec], {}, dir);
    expect(predicted.code).toBe(2);
    expect(predicted.stderr).toMatch(/this is a command study's model, in the format its own script wrote/);
    // the energy report of the same model names the same file fingerprint as the card
    const report = join(dir, 'report');
    expect((await runCli(['report', 'handback', '--db', db, '--trial', String(best.number), '--format', 'md', '--out', report])).code).toBe(0);
    const sha = createHash('sha256').update(`weights for x=${best.params.x}`).digest('hex');
    expect(card).toContain(sha);
    expect(readFileSync(join(report, 'energy-report.md'), 'utf8')).toContain(`| Model (SHA-256 of each file its command handed back, as the exported model card lists them) | model.bin ${sha} |`);
  });

  it('keeps a folder it hands back whole, and refuses to export a trial whose command handed nothing back, saying how', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const spec = writeSpec(dir, commandSpec('folder', [process.execPath, FIXTURE, 'artifact', join(dir, 'saved'), 'folder'], { x: { type: 'fixed', value: 2 } }));
    expect((await runCli(['tune', spec, '--db', db])).code).toBe(0);
    const out = join(dir, 'take');
    expect((await runCli(['export', 'folder', '--db', db, '--trial', '0', '--out', out])).code).toBe(0);
    expect(readFileSync(join(out, 'ckpt', 'shards', 'a.bin'), 'utf8')).toBe('shard for x=2');
    const plain = writeSpec(dir, commandSpec('plain', [process.execPath, FIXTURE, 'ok', '--x', '{x}'], { x: { type: 'fixed', value: 3 } }));
    expect((await runCli(['tune', plain, '--db', db])).code).toBe(0);
    const refused = await runCli(['export', 'plain', '--db', db, '--trial', '0', '--out', join(dir, 'none')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/trial 0 of "plain" has no kept model: its command handed none back\. Name the file or folder it saves in its metrics line/);
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });
});
