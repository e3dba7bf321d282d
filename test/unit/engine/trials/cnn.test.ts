import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../../src-main/engine/store/store';
import { runStudy } from '../../../../src-main/engine/study/study';
import { SqliteStorage } from '../../../../src-main/engine/store/sqlite-storage';
import { parseStudySpec } from '../../../../src-main/shared/spec';
import { quickSpec } from '../../../helpers/specs';
import { tmpDir } from '../../../helpers/tmp';

function spec(overrides: Record<string, unknown>) {
  const r = parseStudySpec(quickSpec(overrides));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe('the cnn family', () => {
  it('trains convolutional networks on the wasm backend, with a search space that changes their cost', async () => {
    const store = new Store(join(tmpDir(), 's.db'));
    const outcome = await runStudy({
      storage: new SqliteStorage(store),
      spec: spec({
        name: 'cnn',
        model: 'cnn',
        dataset: { builtin: 'digits', maxSamples: 500 },
        space: {
          conv_layers: { type: 'int', low: 1, high: 2 },
          filters: { type: 'categorical', choices: [4, 8] },
          kernel_size: { type: 'categorical', choices: [3, 5] },
          pooling: { type: 'categorical', choices: ['max', 'avg'] },
          // enough training to learn: one epoch at the default rate stayed near chance (0.12, 0.15)
          epochs: { type: 'fixed', value: 4 },
          learning_rate: { type: 'fixed', value: 0.01 },
          batch_size: { type: 'fixed', value: 64 },
        },
        trials: 2,
      }),
    });
    expect(outcome.trials.map((t) => [t.state, t.failure?.message])).toEqual([
      ['complete', undefined],
      ['complete', undefined],
    ]);
    expect(store.getStudy(outcome.study.id)!.backend).toBe('wasm');
    const [a, b] = outcome.trials;
    expect(a!.metrics.flops_per_inference).not.toBe(b!.metrics.flops_per_inference);
    // quickSpec's seed fixes the proposals, split, initial weights, shuffling and dropout, so
    // these accuracies are reproducible: both trials reach 0.73 on wasm; chance is 0.1
    for (const t of outcome.trials) expect(t.metrics.accuracy).toBeGreaterThan(0.5);
    store.close();
  });

  it('refuses a table: convolutions need images', async () => {
    const store = new Store(join(tmpDir(), 's.db'));
    await expect(runStudy({ storage: new SqliteStorage(store), spec: spec({ model: 'cnn', space: { filters: { type: 'int', low: 4, high: 8 } } }) })).rejects.toThrow(
      /model "cnn" needs images, and builtin:iris is a table; use "model": "mlp" or a folder of images/,
    );
    expect(store.listStudies()).toEqual([]);
    store.close();
  });
});
