/** The datasets bundled in resources/datasets, loaded without any network. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DatasetSpec } from '../../shared/spec';
import { UserError } from '../errors';
import { resourcesDir } from '../paths';
import { loadCsv } from './csv';
import { loadImageFolder, scanImageFolder, skippedNotes } from './images';
import type { Dataset } from './types';

function loadDigits(): Dataset {
  const buf = gunzipSync(readFileSync(join(resourcesDir(), 'datasets', 'digits', 'digits-14x14.u8.gz')));
  const n = buf.length / (1 + 196);
  const y = new Int32Array(n);
  const x = new Float32Array(n * 196);
  for (let i = 0; i < n; i++) y[i] = buf[i]!;
  for (let i = 0; i < n * 196; i++) x[i] = buf[n + i]!;
  return {
    name: 'digits',
    kind: 'image',
    task: 'classification',
    inputShape: [14, 14, 1],
    featureNames: [],
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    x,
    y,
    n,
    encoding: { kind: 'image', size: 14, channels: 1 },
  };
}

function loadIris(): Dataset {
  const lines = readFileSync(join(resourcesDir(), 'datasets', 'iris', 'iris.csv'), 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const classes = [...new Set(rows.map((r) => r[4]!))];
  const x = new Float32Array(rows.length * 4);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = Number(r[j]);
    y[i] = classes.indexOf(r[4]!);
  });
  const encoding = { kind: 'tabular' as const, columns: header.slice(0, 4).map((column) => ({ column, kind: 'numeric' as const, fill: 0 })), target: header[4] ?? null };
  return { name: 'iris', kind: 'tabular', task: 'classification', inputShape: [4], featureNames: header.slice(0, 4), classes, x, y, n: rows.length, encoding };
}

const BUILTINS: Record<string, () => Dataset> = { digits: loadDigits, iris: loadIris };

/** Any dataset a study can name: bundled, a CSV file, or a folder of images. */
export async function loadDataset(spec: DatasetSpec): Promise<Dataset> {
  if ('images' in spec) return loadImageFolder({ path: spec.images, ...(spec.size ? { size: spec.size } : {}), ...(spec.channels ? { channels: spec.channels } : {}), ...(spec.requireSameSize ? { requireSameSize: true } : {}) });
  return loadDatasetSync(spec);
}

/** Bundled and CSV datasets, which load without waiting. */
export function loadDatasetSync(spec: Exclude<DatasetSpec, { images: string }>): Dataset {
  if ('csv' in spec) return loadCsv({ path: spec.csv, target: spec.target, ...(spec.task ? { task: spec.task } : {}), ...(spec.missing ? { missing: spec.missing } : {}) });
  const load = BUILTINS[spec.builtin];
  if (!load) throw new UserError(`unknown dataset "${spec.builtin}"; bundled: ${Object.keys(BUILTINS).join(', ')}`);
  return load();
}

/**
 * What a person should read about their data before a study runs on it (the delimiter and header
 * read, values imputed, files skipped), without decoding a folder of images. Throws the same
 * refusals as loading it.
 */
export function datasetNotes(spec: DatasetSpec): string[] {
  if ('images' in spec) return skippedNotes(scanImageFolder(spec.images).skipped);
  if ('csv' in spec) return loadCsv({ path: spec.csv, target: spec.target, ...(spec.task ? { task: spec.task } : {}), ...(spec.missing ? { missing: spec.missing } : {}) }).notes;
  return [];
}
