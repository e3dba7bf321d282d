import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src-main/engine/store/store';
import { predictorRows } from '../../src-main/engine/study/forecast';
import type { StudySpecInput } from '../../src-main/shared/spec';
import { runCli } from '../helpers/cli';
import { writeSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';

/** The default study (digits-mlp.json: its space, sampler and seed), made small enough for a test. */
function smallDefault(overrides: Partial<StudySpecInput>): StudySpecInput {
  return {
    name: 'digits-mlp-small',
    dataset: { builtin: 'digits', maxSamples: 600 },
    model: 'mlp',
    space: {
      hidden_layers: { type: 'int', low: 1, high: 2 },
      units: { type: 'int', low: 8, high: 64, log: true },
      activation: { type: 'categorical', choices: ['relu', 'tanh'] },
      learning_rate: { type: 'float', low: 0.0003, high: 0.03, log: true },
      epochs: { type: 'int', low: 1, high: 3 },
      batch_size: { type: 'categorical', choices: [32, 64, 128] },
    },
    objectives: [{ metric: 'accuracy', direction: 'maximize' }, { metric: 'infer_energy_j_per_sample', direction: 'minimize' }],
    sampler: 'auto',
    trials: 5,
    seed: 1,
    trial: { timeoutS: 120, minInferS: 0.2, inferBatchSize: 256 },
    meters: { idleBaselineS: 0 },
    ...overrides,
  };
}

const UNITS: Record<string, number> = { J: 1, kJ: 1e3, MJ: 1e6 };

describe('ecopt tune --plan', () => {
  it('says honestly that there is nothing to forecast from on a fresh machine, and runs nothing', async () => {
    const dir = tmpDir();
    const db = join(dir, 'studies.db');
    const r = await runCli(['tune', '--plan', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Plan for study "digits-mlp" \(mlp, builtin:digits\):\n {2}no forecast: not enough trials measured on this machine yet \(0 complete, 8 needed\)/);
    // and how to get one: the study's first trials, then the plan again (walk 40 read "run a study first")
    expect(r.stdout).toContain(`tune --db ${db} --trials 8   runs this study's first 8 trials (those it has count) and keeps them;`);
    expect(r.stdout).toContain("--plan then forecasts the whole study, and the same command without --trials resumes it to its budget (16 trials).");
    expect(existsSync(db)).toBe(false);
    // a study no larger than the start a forecast needs is simply run to its budget (walk 54: '--trials 8' for a study of 6)
    const small = await runCli(['tune', writeSpec(dir, smallDefault({ name: 'six', trials: 6 }), 'six.json'), '--plan', '--db', db]);
    expect(small.code, small.stderr).toBe(0);
    expect(small.stdout).toContain("A forecast is fitted on 8 trials measured on this machine, and this study's budget is 6: running it is the quickest way to know what it costs.");
    expect(small.stdout).toMatch(/tune \S*six\.json --db \S+ {3}runs it to its budget \(6 trials\); `ecopt show six --db \S+` then lists each trial's energy\./);
    expect(small.stdout).not.toContain('--trials');
    // a budget given with --trials is in the command that runs it (walk 55: without it, tune ran the file's 16)
    const given = await runCli(['tune', '--plan', '--trials', '6', '--db', db]);
    expect(given.stdout).toMatch(/tune --db \S+ --trials 6 {3}runs it to its budget \(6 trials\)/);
    expect(existsSync(db)).toBe(false);
    // a command study: the reason there is never a forecast for it, not that trials are missing
    const command = writeSpec(dir, {
      name: 'script',
      model: 'command',
      command: { argv: ['/usr/bin/python3', 'train.py', '--lr', '{lr}'] },
      space: { lr: { type: 'float', low: 0.001, high: 0.1, log: true } },
      objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
      trials: 4,
    } as StudySpecInput);
    const c = await runCli(['tune', command, '--plan', '--db', db]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/^Plan for study "script" \(your training command\):\n {2}no forecast for a command study: its FLOPs and parameters are known only once it runs/);
  });

  it(
    "holds a fixed-seed study's measured energy within its stated interval",
    async () => {
      // The predictor is fitted on the database this test seeds: 9 trials of the same small
      // default study under another seed (other configurations), run just before. The forecast
      // is then for 5 trials it has not seen, on the same machine, under whatever load the
      // machine has — which the interval (leave-one-trial-out errors, t quantile, the trials'
      // errors taken as moving together, and with a single study an allowance for a study run at
      // another time) has to cover: the machine is shared, and the trial's share of the CPU, so
      // the energy of its fixed-length inference window, moves with the other load.
      const dir = tmpDir();
      const db = join(dir, 'studies.db');
      const seedFile = writeSpec(dir, smallDefault({ name: 'seed-trials', seed: 2, trials: 9 }), 'seed.json');
      const planFile = writeSpec(dir, smallDefault({}), 'plan.json');
      const first = await runCli(['tune', seedFile, '--db', db, '--quiet', '--skip-idle']);
      expect(first.code, first.stderr).toBe(0);

      const plan = await runCli(['tune', planFile, '--plan', '--db', db]);
      expect(plan.code, plan.stderr).toBe(0);
      const m = /about (\d[\d.]*) (J|kJ|MJ) \(±(\d[\d.]*) (J|kJ|MJ)\) and (.+) for 5 trials/.exec(plan.stdout);
      expect(m, plan.stdout).not.toBeNull();
      expect(plan.stdout).toMatch(/estimated by the predictor fitted on 9 trials of 1 study measured on this machine, R² = -?\d\.\d\d, median error \d+% \(leave-one-trial-out\); a forecast, not a measurement/);
      // no counter here: the joules it is fitted on are the TDP estimate's, and it says so
      expect(plan.stdout).toMatch(/the trials it is fitted on have ESTIMATED energy \(no energy counter was readable; the estimate states ±\d+%\): the interval is how far the forecast may miss those estimates, not real joules/);
      const center = Number(m![1]) * UNITS[m![2]!]!;
      const plusMinus = Number(m![3]) * UNITS[m![4]!]!;
      // nothing of the plan was stored
      const before = new Store(db, { readonly: true });
      expect(before.findStudy('digits-mlp-small')).toBeNull();
      before.close();

      const run = await runCli(['tune', planFile, '--db', db, '--quiet', '--skip-idle']);
      expect(run.code, run.stderr).toBe(0);
      const store = new Store(db, { readonly: true });
      const measured = predictorRows(store).filter((r) => r.study === 'digits-mlp-small');
      store.close();
      expect(measured).toHaveLength(5);
      const actual = measured.reduce((a, r) => a + r.targets.trial_energy_j!, 0);
      // the printed figures are rounded to 3 significant digits: allow that much
      const slack = 0.005 * (center + plusMinus);
      expect(Math.abs(actual - center), `actual ${actual.toFixed(1)} J, forecast ${center} ± ${plusMinus} J\n${plan.stdout}`).toBeLessThanOrEqual(plusMinus + slack);
    },
    600_000,
  );
});
