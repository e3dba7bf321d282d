/**
 * A few held-out test images of a study on a bundled image dataset, written as PNG files in
 * `samples/<class>/` beside an exported model, so that `ecopt predict <folder> <folder>/samples`
 * works at once and scores the model (predict reads a subfolder's name as the label). They are
 * the study's own test split (same seed, same split as the trainer), so the model never trained
 * on them. PNGs are written here, synchronously, without an image library: 8-bit greyscale or RGB,
 * one deflated IDAT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { StudySpec } from '../../shared/spec';
import { loadDatasetSync } from '../data/builtin';
import { splitDataset } from '../data/split';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit PNG of `pixels` (row-major, `channels` 1 or 3 bytes per pixel). */
export function encodePng(width: number, height: number, channels: 1 | 3, pixels: Uint8Array): Buffer {
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? 0 : 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Writes up to `perClass` test images per class into `<outDir>/samples/<class>/<n>.png` for a
 * study on a bundled image dataset; returns the files written (none for other studies).
 */
export function writeTestSamples(spec: StudySpec, outDir: string, perClass = 3): string[] {
  if (!spec.dataset || !('builtin' in spec.dataset)) return [];
  const ds = loadDatasetSync(spec.dataset);
  if (ds.kind !== 'image' || ds.inputShape.length !== 3) return [];
  const [h, w, c] = ds.inputShape as [number, number, number];
  if (c !== 1 && c !== 3) return [];
  const { test } = splitDataset(ds, { seed: spec.seed, ...(spec.dataset.maxSamples ? { maxSamples: spec.dataset.maxSamples } : {}) });
  const f = h * w * c;
  const written: string[] = [];
  const taken = new Map<number, number>();
  for (let i = 0; i < test.n; i++) {
    const label = test.y[i]!;
    const k = taken.get(label) ?? 0;
    if (k >= perClass) continue;
    taken.set(label, k + 1);
    // the split scaled pixels to [0, 1]; the image holds them as they were
    const pixels = Uint8Array.from(test.x.subarray(i * f, (i + 1) * f), (v) => Math.round(v * 255));
    const dir = join(outDir, 'samples', ds.classes[label]!);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${k + 1}.png`);
    writeFileSync(file, encodePng(w, h, c, pixels));
    written.push(file);
  }
  return written;
}

/**
 * The held-out test rows of a study on a bundled table (iris) as CSV, with the bundled file's
 * columns and the species, so that `ecopt predict <folder> <folder>/test-rows.csv` scores the
 * model at once (walk 54: a user typed iris rows from memory); null for other studies. The rows
 * are the trainer's own test split (same seed), unscaled back to the file's values.
 */
export function builtinTestRows(spec: StudySpec): { csv: string; rows: number } | null {
  if (!spec.dataset || !('builtin' in spec.dataset)) return null;
  const ds = loadDatasetSync(spec.dataset);
  if (ds.kind !== 'tabular' || ds.task !== 'classification' || !ds.featureNames.length) return null;
  const split = splitDataset(ds, { seed: spec.seed, ...(spec.dataset.maxSamples ? { maxSamples: spec.dataset.maxSamples } : {}) });
  const scale = split.featureScale;
  if (!scale) return null;
  const { test } = split;
  const f = ds.featureNames.length;
  const target = (ds.encoding?.kind === 'tabular' ? ds.encoding.target : null) ?? 'class';
  const lines = [[...ds.featureNames, target].join(',')];
  for (let i = 0; i < test.n; i++) {
    // six significant figures give back the file's values (5.1, not 5.0999999) from the float32 data
    const cells = Array.from({ length: f }, (_, j) => String(Number((test.x[i * f + j]! * scale.sd[j]! + scale.mean[j]!).toPrecision(6))));
    lines.push([...cells, ds.classes[test.y[i]!]!].join(','));
  }
  return { csv: `${lines.join('\n')}\n`, rows: test.n };
}
