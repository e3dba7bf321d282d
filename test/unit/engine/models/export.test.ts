/** The exported model card names the machine that trained and measured the trial, as the energy report does. */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
