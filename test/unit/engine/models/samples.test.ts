import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadDatasetSync } from '../../../../src-main/engine/data/builtin';
import { splitDataset } from '../../../../src-main/engine/data/split';
import { builtinTestRows, encodePng, writeTestSamples } from '../../../../src-main/engine/models/samples';
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

describe('test rows beside an exported model of the bundled iris (walk 54: a user typed rows from memory)', () => {
  it("are the trainer's own test split, with the bundled file's columns and values", () => {
    const r = parseStudySpec(quickSpec({}));
    if (!r.ok) throw new Error('bad spec');
    expect(r.spec.dataset).toMatchObject({ builtin: 'iris' });
    const got = builtinTestRows(r.spec)!;
    const [header, ...rows] = got.csv.trim().split('\n');
    const file = readFileSync(join(__dirname, '../../../../resources/datasets/iris/iris.csv'), 'utf8').trim().split('\n');
    expect(header).toBe(file[0]);
    const { test } = splitDataset(loadDatasetSync({ builtin: 'iris' }), { seed: r.spec.seed, ...(r.spec.dataset && 'builtin' in r.spec.dataset && r.spec.dataset.maxSamples ? { maxSamples: r.spec.dataset.maxSamples } : {}) });
    expect(got.rows).toBe(test.n);
    expect(rows).toHaveLength(test.n);
    // every row is one of the file's, as written there (5.1, not 5.0999999), and its species the split's
    const lines = new Set(file.slice(1));
    for (const row of rows) expect(lines.has(row), row).toBe(true);
    const classes = [...new Set(file.slice(1).map((l) => l.split(',')[4]))];
    expect(rows.map((l) => l.split(',')[4])).toEqual([...test.y].map((y) => classes[y]));
    // an image study has samples/, not rows
    const digits = parseStudySpec(quickSpec({ dataset: { builtin: 'digits', maxSamples: 600 }, model: 'cnn', space: { filters: { type: 'fixed', value: 4 } } }));
    if (!digits.ok) throw new Error('bad spec');
    expect(builtinTestRows(digits.spec)).toBeNull();
  });
});
