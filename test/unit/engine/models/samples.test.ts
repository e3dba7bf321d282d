import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadDatasetSync } from '../../../../src-main/engine/data/builtin';
import { splitDataset } from '../../../../src-main/engine/data/split';
import { encodePng, writeTestSamples } from '../../../../src-main/engine/models/samples';
import { parseStudySpec } from '../../../../src-main/shared/spec';
import { quickSpec } from '../../../helpers/specs';
import { tmpDir } from '../../../helpers/tmp';

describe('sample images beside an exported image model', () => {
  it('encodes PNGs an image library reads back pixel for pixel', async () => {
    const pixels = Uint8Array.from({ length: 5 * 3 }, (_, i) => (i * 17) % 256);
    const png = encodePng(5, 3, 1, pixels);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 5, 3, 1]);
    const { data } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect([...data]).toEqual([...pixels]);
  });

  it('writes the study\'s own held-out test images, 3 per class, in a subfolder per class', async () => {
    const r = parseStudySpec(quickSpec({ dataset: { builtin: 'digits', maxSamples: 600 }, model: 'cnn', space: { filters: { type: 'fixed', value: 4 } } }));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const out = tmpDir();
    const files = writeTestSamples(r.spec, out);
    expect(files).toHaveLength(30);
    expect(readdirSync(join(out, 'samples')).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // the first image of class 3 is the first test image of class 3 of the trainer's split (same seed)
    const ds = loadDatasetSync({ builtin: 'digits' });
    const { test } = splitDataset(ds, { seed: r.spec.seed, maxSamples: 600 });
    const i = [...test.y].indexOf(3);
    const { data } = await sharp(readFileSync(join(out, 'samples', '3', '1.png'))).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect([...data]).toEqual([...test.x.subarray(i * 196, (i + 1) * 196)].map((v) => Math.round(v * 255)));
    // not an image study: nothing
    const iris = parseStudySpec(quickSpec({}));
    if (!iris.ok) throw new Error('bad spec');
    expect(writeTestSamples(iris.spec, tmpDir())).toEqual([]);
  });
});
