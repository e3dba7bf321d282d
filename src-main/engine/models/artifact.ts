/**
 * A kept model on disk, in TensorFlow.js's own layers format (model.json + weights.bin, loadable
 * by tf.loadLayersModel anywhere), with preprocessing.json: everything between a raw input and
 * the model's features. Written and read without tfjs-node's file system handlers, which the
 * wasm backend does not have.
 */
import type * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InputEncoding } from '../data/types';
import { UserError } from '../errors';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const PREPROCESSING_FILE = 'preprocessing.json';

export interface Preprocessing {
  task: 'classification' | 'regression';
  /** Class labels in output order (classification). */
  classes: string[];
  inputShape: number[];
  /** Raw input → features; null for data sets that cannot be re-read. */
  encoding: InputEncoding | null;
  /** Tabular: z-score per feature (training part's mean and sd). Images: pixels / 255. */
  featureScale: { mean: number[]; sd: number[] } | null;
  /** Regression: the target's mean and sd (the model predicts the standardised target). */
  targetScale: { mean: number; sd: number } | null;
  /** SHA-256 of the data set as loaded (features and labels), before the split. */
  dataSha256: string;
  /** CSV data: the file and the lines of the held-out test rows, so they can be handed back. */
  heldOut: { file: string; lines: number[] } | null;
  /** A folder of images: the folder and its held-out test images (relative paths, `<class>/<file>`); absent in models kept before it was recorded. */
  heldOutImages?: { folder: string; files: string[] } | null;
  /** Images: the training set's mean pixel value, 0–255 (absent in models kept before it was recorded). */
  pixelMean?: number;
}

/** A fingerprint of the data a model was trained on: features, labels and targets, in order. */
export function dataFingerprint(x: Float32Array, y: Int32Array, yReal?: Float32Array): string {
  const h = createHash('sha256');
  h.update(Buffer.from(x.buffer, x.byteOffset, x.byteLength));
  h.update(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
  if (yReal) h.update(Buffer.from(yReal.buffer, yReal.byteOffset, yReal.byteLength));
  return h.digest('hex');
}

function toBuffer(data: tf.io.WeightData | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  const parts = Array.isArray(data) ? data : [data];
  return Buffer.concat(parts.map((b) => Buffer.from(b)));
}

export async function saveModel(model: tf.LayersModel, dir: string, preprocessing: Preprocessing): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const tf = await tfjs();
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const weights = toBuffer(a.weightData);
      writeFileSync(join(dir, WEIGHTS_FILE), weights);
      writeFileSync(
        join(dir, MODEL_FILE),
        JSON.stringify({
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
          convertedBy: null,
          modelTopology: a.modelTopology,
          weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: a.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
    }),
  );
  writeFileSync(join(dir, PREPROCESSING_FILE), JSON.stringify(preprocessing, null, 2));
  return folderBytes(dir);
}

/**
 * TensorFlow.js, loaded when a model is saved or loaded rather than when this file is imported:
 * the study loop imports this file for folderBytes, and `ecopt worker` with a command trial never
 * needs TensorFlow.js at all (about a CPU-second of start-up, measured).
 */
function tfjs(): Promise<typeof tf> {
  return import('@tensorflow/tfjs');
}

export function folderBytes(dir: string): number {
  // a command's artifact may be a folder with folders in it
  return readdirSync(dir, { withFileTypes: true }).reduce((a, e) => a + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

/** Every file under `dir` (subfolders included) with its SHA-256, by its path relative to `dir` with '/' between folders, in name order. */
export function fileHashes(dir: string, under = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(dir, under), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = under ? `${under}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, fileHashes(dir, rel));
    else out[rel] = createHash('sha256').update(readFileSync(join(dir, rel))).digest('hex');
  }
  return out;
}

export function isModelFolder(dir: string): boolean {
  return existsSync(join(dir, MODEL_FILE)) && existsSync(join(dir, WEIGHTS_FILE));
}

export async function loadModel(dir: string): Promise<{ model: tf.LayersModel; preprocessing: Preprocessing }> {
  if (!isModelFolder(dir)) {
    if (existsSync(join(dir, 'model-card.md')) && existsSync(join(dir, 'params.json'))) {
      throw new UserError(`${dir}: this is a command study's model, in the format its own script wrote; \`ecopt predict\` runs only the models ECOpt trains itself. Load it with your script (model-card.md has the command line that made it)`);
    }
    throw new UserError(`${dir}: not an exported ECOpt model (no ${MODEL_FILE} and ${WEIGHTS_FILE}); give the folder \`ecopt export\` wrote`);
  }
  const json = JSON.parse(readFileSync(join(dir, MODEL_FILE), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weights = readFileSync(join(dir, WEIGHTS_FILE));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const tf = await tfjs();
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((m) => m.weights), weightData }),
  );
  const preprocessing = existsSync(join(dir, PREPROCESSING_FILE))
    ? (JSON.parse(readFileSync(join(dir, PREPROCESSING_FILE), 'utf8')) as Preprocessing)
    : null;
  if (!preprocessing) throw new UserError(`${dir}: ${PREPROCESSING_FILE} is missing, so new inputs cannot be prepared for this model; export it again with \`ecopt export\``);
  return { model, preprocessing };
}
