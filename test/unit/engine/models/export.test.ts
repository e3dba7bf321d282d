/** The exported model card names the machine that trained and measured the trial, as the energy report does. */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseStudySpec } from '../../../../src-main/shared/spec';
import { describe, expect, it } from 'vitest';
import { exportModel } from '../../../../src-main/engine/models/export';
import { Store } from '../../../../src-main/engine/store/store';
import { spreadSpec } from '../../../helpers/two-classes';
import { tmpDir } from '../../../helpers/tmp';

const preprocessing = {
  task: 'classification',
  classes: ['a', 'b'],
  inputShape: [2],
  encoding: null,
  featureScale: null,
  targetScale: null,
  dataSha256: '0'.repeat(64),
  heldOut: null,
};

/** A study with one complete trial whose kept model is a stand-in folder; `host`/`classId` where it ran. */
function studyWithKeptModel(place: { host: string; classId: string; inventory?: Record<string, string> } | null): { store: Store; dir: string } {
  const dir = tmpDir();
  const store = new Store(join(dir, 's.db'));
  const study = store.createStudy(spreadSpec());
  store.setHardware(study.id, { cpu_model: 'First worker CPU' });
  let trialId: number;
  if (place) {
    if (place.inventory) store.putHardwareClass(study.id, place.classId, place.inventory);
    trialId = store.claimTrial(study.id, { params: { units: 64 }, retryOf: null, worker: { host: place.host, pid: 100 }, hardwareClass: place.classId, budget: 20 })!.id;
  } else {
    trialId = store.createTrial(study.id, { units: 64 }).id;
    store.startTrial(trialId);
  }
  const model = join(dir, 'models', 'spread', 'trial-0');
  mkdirSync(model, { recursive: true });
  writeFileSync(join(model, 'model.json'), '{}');
  writeFileSync(join(model, 'weights.bin'), Buffer.from([1, 2, 3, 4]));
  writeFileSync(join(model, 'preprocessing.json'), JSON.stringify(preprocessing));
  store.completeTrial(trialId, { metrics: { accuracy: 0.9, infer_energy_j_per_sample: 0.002 }, attrs: { model_dir: 'models/spread/trial-0' }, windows: [], backend: 'wasm', powerSamples: [] });
  return { store, dir };
}

function card(store: Store, dir: string): string {
  const out = join(dir, 'take-away');
  exportModel(store, 'spread', out, 0);
  store.close();
  return readFileSync(join(out, 'model-card.md'), 'utf8');
}

describe('the exported model card', () => {
  it('names the host and hardware class that trained the trial, with that class\'s inventory', () => {
    const { store, dir } = studyWithKeptModel({ host: 'gpu-node-7', classId: 'bbbb2222', inventory: { label: 'EPYC B', cpu_model: 'EPYC B', meters_json: '[]' } });
    const text = card(store, dir);
    const measuredOn = text.slice(text.indexOf('## Measured on'), text.indexOf('## How to reproduce it'));
    expect(measuredOn).toContain('- host: gpu-node-7');
    expect(measuredOn).toContain('- hardware class: bbbb2222 (EPYC B)');
    // the class's machine, not the study's first worker's; no raw meter JSON
    expect(measuredOn).toContain('- cpu model: EPYC B');
    expect(measuredOn).not.toContain('First worker CPU');
    expect(measuredOn).not.toContain('meters');
  });

  it('names the class without its inventory when none was stored, and says nothing of a machine that was not recorded', () => {
    const noInventory = studyWithKeptModel({ host: 'm1', classId: 'aaaa1111' });
    const one = card(noInventory.store, noInventory.dir);
    expect(one).toContain('- host: m1');
    expect(one).toMatch(/^- hardware class: aaaa1111$/m);
    expect(one).toContain('- cpu model: First worker CPU');

    const unplaced = studyWithKeptModel(null);
    const two = card(unplaced.store, unplaced.dir);
    expect(two).not.toMatch(/- host:|- hardware class:/);
    expect(two).toContain('- cpu model: First worker CPU');
  });

  it("gives weights.bin's own SHA-256, which sha256sum prints, beside the recorded hash of the weights' values", () => {
    // a user checked the card's hash with sha256sum and got another: the recorded one hashes the
    // values with each array's type and shape, not the file
    const { store, dir } = studyWithKeptModel(null);
    const text = card(store, dir);
    const file = createHash('sha256').update(readFileSync(join(dir, 'take-away', 'weights.bin'))).digest('hex');
    expect(text).toContain(`SHA-256 of the file \`weights.bin\` as exported (what \`sha256sum weights.bin\` prints): \`${file}\`.`);
    expect(text).toMatch(/SHA-256 of the weights' values, each array with its type and shape/);
  });
});

/** A command study ("python3 train.py --lr {lr} --out {params_file}") with one complete trial; `artifact`: what its command handed back, kept as keepModel keeps it. */
function commandStudy(artifact: { reported: string; files: Record<string, string> } | null): { store: Store; dir: string } {
  const dir = tmpDir();
  const store = new Store(join(dir, 's.db'));
  const r = parseStudySpec({
    name: 'mine',
    model: 'command',
    command: { argv: ['python3', 'train.py', '--lr', '{lr}', '--params', '{params_file}', '--note', "it's {lr}"], cwd: '/home/me/proj' },
    space: { lr: { type: 'float', low: 0.001, high: 0.1, log: true } },
    objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
    trials: 4,
  });
  if (!r.ok) throw new Error('bad spec');
  const study = store.createStudy(r.spec);
  const trial = store.createTrial(study.id, { lr: 0.01 });
  store.startTrial(trial.id);
  const attrs: Record<string, unknown> = { reported_test_accuracy: 0.905 };
  if (artifact) {
    const model = join(dir, 'models', 'mine', 'trial-0');
    for (const [f, text] of Object.entries(artifact.files)) {
      mkdirSync(dirname(join(model, f)), { recursive: true });
      writeFileSync(join(model, f), text);
    }
    attrs.model_dir = 'models/mine/trial-0';
    attrs.reported_artifact = artifact.reported;
  }
  store.completeTrial(trial.id, { metrics: { accuracy: 0.93, loss: 0.1242, infer_energy_j_per_sample: 0.0004 }, attrs, windows: [], backend: 'command', powerSamples: [] });
  return { store, dir };
}

describe("exporting a command trial's model", () => {
  it('copies the file its command handed back, with params.json, the study file and a card holding the command line that made it', () => {
    const { store, dir } = commandStudy({ reported: 'out/weights.npz', files: { 'weights.npz': 'NPZ-BYTES' } });
    const out = join(dir, 'take');
    const r = exportModel(store, 'mine', out);
    expect(r.kind).toBe('command');
    expect(r.trial).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['model-card.md', 'params.json', 'study.json', 'weights.npz']);
    expect(readFileSync(join(out, 'weights.npz'), 'utf8')).toBe('NPZ-BYTES');
    expect(JSON.parse(readFileSync(join(out, 'params.json'), 'utf8'))).toEqual({ lr: 0.01 });
    expect(JSON.parse(readFileSync(join(out, 'study.json'), 'utf8')).command.argv[0]).toBe('python3');
    const text = readFileSync(join(out, 'model-card.md'), 'utf8');
    // the command line as the trial ran it, quoted for a shell, {params_file} the exported params.json
    expect(text).toContain("python3 train.py --lr 0.01 --params params.json --note 'it'\\''s 0.01'");
    expect(text).toContain('ECOPT_PARAM_LR=0.01');
    expect(text).toContain('`/home/me/proj`');
    expect(text).toContain(`\`weights.npz\` (9 B), SHA-256 \`${createHash('sha256').update('NPZ-BYTES').digest('hex')}\``);
    // its quality is what the command reported, on a split ECOpt does not know
    expect(text).toContain('| Accuracy (as your command reported it) | 93.00% |');
    expect(text).toContain('| Loss (as your command reported it) | 0.1242 |');
    expect(text).toContain('| Test accuracy (as your command reported it) | 90.50%, on data ECOpt does not know |');
    expect(text).not.toContain('validation');
    // no spread between repeats was measured, and the card says so rather than leaving it out
    expect(text).toMatch(/\| Energy per prediction \(this model's own share\) \| 400 µJ; spread between repeats not measured \|/);
    expect(text).not.toContain('ecopt predict <this folder>');
    store.close();
  });

  it('keeps a folder artifact under its own name, subfolders included', () => {
    const { store, dir } = commandStudy({ reported: 'out/ckpt/', files: { 'config.json': '{}', 'shards/a.bin': 'A' } });
    const out = join(dir, 'take');
    const r = exportModel(store, 'mine', out, 0);
    expect(r.files.map((f) => relative(out, f)).sort()).toEqual(['ckpt/config.json', 'ckpt/shards/a.bin', 'model-card.md', 'params.json', 'study.json']);
    expect(readFileSync(join(out, 'ckpt', 'shards', 'a.bin'), 'utf8')).toBe('A');
    store.close();
  });

  it("says how to keep a model when the command handed none back, and writes nothing", () => {
    const { store, dir } = commandStudy(null);
    const out = join(dir, 'take');
    expect(() => exportModel(store, 'mine', out, 0)).toThrow(/its command handed none back\. Name the file or folder it saves in its metrics line \("artifact"/);
    expect(existsSync(out)).toBe(false);
    store.close();
  });
});

describe('exporting a built-in trial', () => {
  it('refuses a kept model without its preprocessing before writing anything', () => {
    const { store, dir } = studyWithKeptModel(null);
    rmSync(join(dir, 'models', 'spread', 'trial-0', 'preprocessing.json'));
    const out = join(dir, 'take');
    expect(() => exportModel(store, 'spread', out, 0)).toThrow(/has no preprocessing\.json, so it cannot be used on new inputs; re-run the trial/);
    expect(existsSync(out)).toBe(false);
    store.close();
  });

  it('takes, of equally accurate trials, the one using less energy per prediction, and names the folder after it', () => {
    const { store, dir } = studyWithKeptModel(null);
    const study = store.requireStudy('spread');
    const t = store.createTrial(study.id, { units: 32 });
    store.startTrial(t.id);
    const model = join(dir, 'models', 'spread', 'trial-1');
    cpSync(join(dir, 'models', 'spread', 'trial-0'), model, { recursive: true });
    // as accurate as trial 0 (0.9), at half its energy per prediction
    store.completeTrial(t.id, { metrics: { accuracy: 0.9, infer_energy_j_per_sample: 0.001 }, attrs: { model_dir: 'models/spread/trial-1' }, windows: [], backend: 'wasm', powerSamples: [] });
    const r = exportModel(store, 'spread', (n) => join(dir, `spread-trial-${n}`));
    expect(r.trial).toBe(1);
    expect(r.dir).toBe(join(dir, 'spread-trial-1'));
    store.close();
  });
});

describe('the model card\'s training time', () => {
  it.each([
    [0.5507, 0.563, '550.7 ms (training energy measured over 563 ms, the window around it, as the energy report gives it)'],
    // walk 43: 2.504 s on the card, 2.51 s in the report (three significant figures), unexplained
    [2.50399, 2.50847, '2.504 s (training energy measured over 2.51 s, the window around it, as the energy report gives it)'],
    [2.51, 2.5102, '2.51 s'],
  ])("gives the trainer's clock (%s s) and, where it prints otherwise, the window the energy was measured over (%s s), as the report gives it", (own, window, shown) => {
    const dir = tmpDir();
    const store = new Store(join(dir, 's.db'));
    const study = store.createStudy(spreadSpec());
    const t = store.createTrial(study.id, { units: 64 });
    store.startTrial(t.id);
    const model = join(dir, 'models', 'spread', 'trial-0');
    mkdirSync(model, { recursive: true });
    writeFileSync(join(model, 'model.json'), '{}');
    writeFileSync(join(model, 'weights.bin'), Buffer.from([1]));
    writeFileSync(join(model, 'preprocessing.json'), JSON.stringify(preprocessing));
    const est = { method: 'estimated' as const, source: 'cpu-tdp-estimate', model: 'tdp', inputs: {}, uncertaintyRel: 0.6 };
    store.completeTrial(t.id, {
      metrics: { accuracy: 0.9, train_duration_s: own, train_energy_j: 20.8 },
      attrs: { model_dir: 'models/spread/trial-0' },
      windows: [{ phase: 'train', startedAtMs: Date.now(), durationS: window, domains: [{ domain: 'cpu-package', energyJ: 30, attributedEnergyJ: 20.8, provenance: est }] }],
      backend: 'wasm',
      powerSamples: [],
    });
    const text = card(store, dir);
    expect(text).toContain(`| Training time | ${shown} |`);
  });
});
