/**
 * Where kept models live: beside the study database, in `models/<study>/trial-<n>/` (TensorFlow.js
 * layers format plus preprocessing.json; see artifact.ts). Paths are stored relative to the
 * database's folder, so a study folder can be moved or copied whole.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { frontTrials } from '../../shared/analysis';
import type { TrialRecord } from '../../shared/types';
import type { Storage } from '../store/storage';
import type { Store, StudyRow, TrialResult } from '../store/store';
import { fileHashes, folderBytes, WEIGHTS_FILE } from './artifact';

function safe(name: string): string {
  return name.replace(/[^\w.-]+/g, '_');
}

/** The folder a trial's model is kept in, or null when the study keeps none. */
export function modelDir(store: Store, study: StudyRow, trialNumber: number): string | null {
  return modelDirIn(dirname(resolve(store.path)), study, trialNumber);
}

/**
 * The same under any root folder: the study file's folder for SQLite; for a study in PostgreSQL
 * (no file to sit beside), the worker's `--models-dir` or its current directory.
 */
export function modelDirIn(root: string, study: StudyRow, trialNumber: number): string | null {
  if (study.spec.models?.keep === 'none') return null;
  return join(resolve(root), 'models', safe(study.name), `trial-${trialNumber}`);
}

/** The kept model of a trial, as an absolute path, if it is there. */
export function keptModelDir(store: Store, trialId: number): string | null {
  const rel = store.getTrialAttrs(trialId).model_dir;
  if (typeof rel !== 'string') return null;
  const dir = isAbsolute(rel) ? rel : join(dirname(resolve(store.path)), rel);
  return existsSync(dir) ? dir : null;
}

/**
 * After a trial: records where its model is (the trainer wrote it; a command may hand one back
 * as `artifact`, copied here), or removes what a failed trial left.
 */
export function keepModel(store: Store, dir: string | null, result: TrialResult | null, commandCwd: string | null): TrialResult | null {
  return keepModelIn(dirname(resolve(store.path)), dir, result, commandCwd);
}

/** keepModel with the path recorded relative to `root` (null: recorded absolute, as for PostgreSQL). */
export function keepModelIn(root: string | null, dir: string | null, result: TrialResult | null, commandCwd: string | null): TrialResult | null {
  if (!dir) return result;
  if (!result) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const artifact = result.attrs.reported_artifact;
  const attrs = { ...result.attrs };
  if (typeof artifact === 'string' && commandCwd !== null) {
    const source = resolve(commandCwd, artifact);
    if (existsSync(source)) {
      cpSync(source, statSync(source).isDirectory() ? dir : join(dir, source.split(/[\\/]/).pop()!), { recursive: true });
      attrs.model_bytes = folderBytes(dir);
      // the fingerprint of what the command handed back, as kept: the report and the model card name it
      attrs.artifact_sha256 = fileHashes(dir);
    } else {
      attrs.artifact_missing = `the command reported artifact ${artifact}, but ${source} does not exist`;
    }
  }
  // the built-in model's weights file as kept (and exported byte for byte): the report names it
  // beside the values' hash, so a filed report ties to the file with sha256sum (walk 45)
  if (typeof artifact !== 'string' && existsSync(join(dir, WEIGHTS_FILE))) attrs.weights_file_sha256 = createHash('sha256').update(readFileSync(join(dir, WEIGHTS_FILE))).digest('hex');
  if (existsSync(dir)) attrs.model_dir = root === null ? resolve(dir) : relative(resolve(root), dir);
  return { ...result, attrs };
}

/**
 * pruneKeptModels through the storage interface (the study loop): a model is kept while its trial
 * is on the front of its own hardware class (energy is compared only within one class).
 */
export async function pruneKeptModelsIn(storage: Storage, root: string, study: StudyRow): Promise<void> {
  if (study.spec.models?.keep !== 'front') return;
  const trials = await storage.getTrials(study.id, ['complete']);
  const front = new Set<number>();
  for (const cls of new Set(trials.map((t) => t.hardwareClass))) {
    for (const n of frontTrials(trials.filter((t) => t.hardwareClass === cls), study.objectives)) front.add(n);
  }
  for (const t of trials) {
    if (front.has(t.number)) continue;
    const rel = (await storage.getTrialAttrs(t.id)).model_dir;
    if (typeof rel !== 'string') continue;
    const dir = isAbsolute(rel) ? rel : join(resolve(root), rel);
    // a model kept by a worker on another machine is not this one's to remove
    if (!existsSync(dir)) continue;
    rmSync(dir, { recursive: true, force: true });
    await storage.setTrialAttr(t.id, 'model_dir', null);
  }
}

/** With `models.keep: "front"`, removes the kept models of complete trials that left the front. */
export function pruneKeptModels(store: Store, study: StudyRow): void {
  if (study.spec.models?.keep !== 'front') return;
  const trials: TrialRecord[] = store.getTrials(study.id, ['complete']);
  const front = new Set(frontTrials(trials, study.objectives));
  for (const t of trials) {
    if (front.has(t.number)) continue;
    const dir = keptModelDir(store, t.id);
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
      store.setTrialAttr(t.id, 'model_dir', null);
    }
  }
}
