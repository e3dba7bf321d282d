import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetLabel, datasetText, parseStudySpec, formatSpecIssues, targetName, targetUnitsText, type StudySpec } from '../../../src-main/shared/spec';
import { defaultSpecPath, loadSpecFile, parseSpecText } from '../../../src-main/engine/space/load-spec';
import { presetSpec } from '../../../src-main/api/presets';
import { quickSpec } from '../../helpers/specs';

function issues(input: unknown): string {
  const r = parseStudySpec(input);
  if (r.ok) throw new Error('expected the spec to be rejected');
  return formatSpecIssues(r.issues);
}

describe('study spec', () => {
  it('accepts a valid spec and fills the defaults', () => {
    const r = parseStudySpec({ ...quickSpec(), sampler: undefined, seed: undefined, trial: undefined });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.sampler).toEqual({ name: 'auto', options: {} });
    expect(r.spec.seed).toBe(0);
    expect(r.spec.trial).toEqual({ timeoutS: 600, minInferS: 1, inferBatchSize: 256, profileFraction: 0.1 });
    expect(r.spec.objectives[0]).toEqual({ metric: 'accuracy', direction: 'maximize', unit: 'fraction' });
    expect(r.spec.objectives[1]).toEqual({ metric: 'infer_energy_j_per_sample', direction: 'minimize', unit: 'J' });
  });

  it('names the path and the fix when low > high', () => {
    const spec = quickSpec({ space: { learning_rate: { type: 'float', low: 0.1, high: 0.01 } } });
    expect(issues(spec)).toBe('space.learning_rate: low (0.1) must be below high (0.01); swap them');
  });

  it('rejects a log range that reaches zero', () => {
    expect(issues(quickSpec({ space: { units: { type: 'int', low: 0, high: 8, log: true } } }))).toMatch(
      /^space\.units: a log-scaled range needs low > 0, got 0; raise low or set "log": false$/,
    );
  });

  it('rejects a step that does not divide the range, proposing a high that fits', () => {
    expect(issues(quickSpec({ space: { units: { type: 'int', low: 4, high: 30, step: 4 } } }))).toBe(
      'space.units: high - low (26) must be a multiple of step (4); set high to 28',
    );
  });

  it('rejects an unknown parameter type', () => {
    expect(issues(quickSpec({ space: { units: { type: 'integer', low: 1, high: 2 } as never } }))).toMatch(
      /^space\.units\.type: .*float.*int.*categorical.*fixed/,
    );
  });

  it('rejects a parameter the model family does not have', () => {
    expect(issues(quickSpec({ space: { momentum: { type: 'float', low: 0, high: 1 } } }))).toMatch(
      /^space\.momentum: "momentum" is not a parameter of model "mlp"; known: hidden_layers, units/,
    );
  });

  it('rejects an unknown dataset, listing the bundled ones', () => {
    expect(issues(quickSpec({ dataset: { builtin: 'cifar' as never } }))).toBe(
      'dataset.builtin: must be one of "digits", "iris", got "cifar"',
    );
  });

  it('rejects an unknown metric and a wrong unit', () => {
    expect(issues(quickSpec({ objectives: [{ metric: 'f1' as never }] }))).toMatch(/^objectives\[0\]\.metric: must be one of "accuracy"/);
    expect(issues(quickSpec({ objectives: [{ metric: 'train_energy_j', unit: 'kWh' }] }))).toBe(
      'objectives[0].unit: "train_energy_j" is measured in J, not kWh; write "J" or leave unit out',
    );
  });

  it('reports a missing field and an unknown field', () => {
    const { trials: _t, ...noTrials } = quickSpec();
    expect(issues(noTrials)).toBe('trials: is required: expected a number');
    // the search space says what it looks like (walk 42: "space: is required (expected record)")
    const { space: _s, ...noSpace } = quickSpec();
    expect(issues(noSpace)).toMatch(/^space: is required: the parameters to search, one entry each, e\.g\. \{"units": \{"type": "int"/);
    expect(issues({ ...quickSpec(), trails: 5 })).toBe('(root): unknown field "trails"; remove or correct it');
  });

  it('reports every problem at once', () => {
    const spec = quickSpec({
      space: { learning_rate: { type: 'float', low: 1, high: 0.5 } },
      trials: 0,
    });
    expect(issues(spec).split('\n')).toHaveLength(2);
  });

  it('gives line and column for malformed JSON, naming the file', () => {
    expect(() => parseSpecText('{\n  "name": "x",\n  "trials": 3,,\n}', 'my-study.json')).toThrow(
      /^my-study\.json: not valid JSON at line 3, column 15/,
    );
  });

  it('asks a command study for its command, and refuses a command on a built-in model', () => {
    const { dataset: _d, ...noData } = quickSpec();
    expect(issues({ ...noData, model: 'command' })).toBe('command: a command study needs "command": {"argv": ["python3", "train.py", "--lr", "{lr}"]}');
    expect(issues({ ...quickSpec(), command: { argv: ['python3', 'x.py'] } })).toBe(
      'command: only a study with "model": "command" runs a command; remove it or set the model',
    );
    expect(issues(noData)).toBe('dataset: is required (expected e.g. {"builtin": "digits"})');
    const ok = parseStudySpec({ ...noData, model: 'command', command: { argv: ['python3', 'train.py', '--lr', '{lr}'] }, space: { lr: { type: 'float', low: 0.001, high: 0.1, log: true } } });
    expect(ok.ok).toBe(true);
  });

  it('names a study after its file when it has no name', () => {
    const { name: _n, ...rest } = quickSpec();
    expect(parseSpecText(JSON.stringify(rest), '/tmp/lr-sweep.json').name).toBe('lr-sweep');
  });
});

describe('family limits', () => {
  it('refuses a range no model of the family can take, with the path, the limit and the fix', () => {
    expect(issues(quickSpec({ space: { units: { type: 'int', low: 8, high: 1e12, log: true } } }))).toBe(
      'space.units.high: 1000000000000 is out of range: model "mlp" takes units from 1 to 4096 (units in a layer); lower high to 4096',
    );
    expect(issues(quickSpec({ space: { epochs: { type: 'int', low: 0, high: 5 } } }))).toBe(
      'space.epochs.low: 0 is out of range: model "mlp" takes epochs from 1 to 1000 (passes); raise low to 1',
    );
    expect(issues(quickSpec({ space: { dropout: { type: 'float', low: 0, high: 1 } } }))).toMatch(/^space\.dropout\.high: 1 is out of range: model "mlp" takes dropout from 0 to 0\.9; lower high to 0\.9$/);
    expect(issues(quickSpec({ space: { batch_size: { type: 'categorical', choices: [32, 100000] } } }))).toMatch(/^space\.batch_size\.choices\[1\]: 100000 is out of range: model "mlp" takes batch_size from 1 to 8192 \(samples\)/);
    expect(issues(quickSpec({ space: { hidden_layers: { type: 'fixed', value: 40 } } }))).toMatch(/^space\.hidden_layers\.value: 40 is out of range/);
    expect(issues(quickSpec({ space: { units: { type: 'float', low: 8, high: 64 } } }))).toBe('space.units.type: units takes whole numbers; use "type": "int"');
    expect(issues(quickSpec({ space: { activation: { type: 'categorical', choices: ['relu', 'softmax'] } } }))).toBe(
      'space.activation.choices[1]: model "mlp" takes activation relu, tanh, elu, sigmoid, not "softmax"; change or remove this choice',
    );
    expect(issues(quickSpec({ space: { learning_rate: { type: 'fixed', value: 'fast' } } }))).toMatch(/^space\.learning_rate\.value: learning_rate is a number, got "fast"/);
  });

  it('checks the CNN\'s own limits, and its last block, which doubles the filters per block', () => {
    const cnn = (space: Record<string, unknown>) => quickSpec({ model: 'cnn', dataset: { builtin: 'digits' }, space: space as never });
    expect(issues(cnn({ filters: { type: 'int', low: 4, high: 1000 } }))).toMatch(/^space\.filters\.high: 1000 is out of range: model "cnn" takes filters from 1 to 256/);
    expect(issues(cnn({ kernel_size: { type: 'categorical', choices: [3, 15] } }))).toMatch(/^space\.kernel_size\.choices\[1\]: 15 is out of range/);
    expect(issues(cnn({ filters: { type: 'int', low: 8, high: 128 }, conv_layers: { type: 'int', low: 1, high: 6 } }))).toMatch(
      /^space\.filters: 128 filters doubled over 6 conv_layers make a last block of 4096 filters, more than model "cnn" can take \(1024\); .*filters up to 32$/,
    );
    expect(parseStudySpec(cnn({ filters: { type: 'int', low: 4, high: 32 }, conv_layers: { type: 'int', low: 1, high: 3 }, pooling: { type: 'categorical', choices: ['max', 'none'] } })).ok).toBe(true);
  });

  it('accepts every value inside the limits, and the bundled and preset studies', () => {
    expect(parseStudySpec(quickSpec({ space: { units: { type: 'int', low: 1, high: 4096, log: true }, dropout: { type: 'float', low: 0, high: 0.9 }, hidden_layers: { type: 'int', low: 0, high: 16 } } })).ok).toBe(true);
    expect(() => loadSpecFile(defaultSpecPath())).not.toThrow();
    for (const d of ['digits', 'iris'] as const) for (const p of ['quick', 'standard', 'thorough'] as const) expect(parseStudySpec(presetSpec(d, p)).ok).toBe(true);
  });
});

describe("the README's study file", () => {
  it('is the bundled default study, word for word (a new user found the README showing another)', () => {
    const root = join(import.meta.dirname, '../../..');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const shown = /## The study file\n[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(shown).toBeDefined();
    expect(JSON.parse(shown!)).toEqual(JSON.parse(readFileSync(join(root, 'resources/studies/digits-mlp.json'), 'utf8')));
    expect(parseStudySpec(JSON.parse(shown!)).ok).toBe(true);
  });
});

describe('the dataset a study names, as people read it', () => {
  it('a command study reads its own data: not "dataset command"', () => {
    const command = { model: 'command' } as unknown as StudySpec;
    expect(datasetLabel(command)).toBe('command'); // what the study row stores
    expect(datasetText(datasetLabel(command))).toBe("the command's own");
    expect(datasetText(datasetLabel(quickSpec() as StudySpec))).toBe('builtin:iris');
  });

  it("names a CSV study's target for the units of its RMSE (walk 45)", () => {
    expect(targetUnitsText(targetName({ dataset: { csv: 'items.csv', target: 'price_eur' } }))).toBe('in the units of "price_eur"');
    expect(targetUnitsText(targetName({ dataset: { csv: 'items.csv', target: '4' } }))).toBe('in the units of the target (column 4)');
    expect(targetUnitsText(targetName({ dataset: { builtin: 'digits' } }))).toBe("in the target's units");
    expect(targetUnitsText(null)).toBe("in the target's units");
  });
});
