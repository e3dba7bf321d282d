/**
 * `--storage <url-or-file>` for the reading commands (`show`, `studies`): a PostgreSQL URL opens
 * the shared database; anything else is a SQLite file, opened read-only as `--db` opens it. The
 * commands that read a study file (reports, verify, export, the payback) read a shared study
 * through a snapshot of it (`withSnapshot`), as the app's Reports screen does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StudyRow } from '../engine/store/store';
import { Store } from '../engine/store/store';
import { isDatabaseUrl, openStorage } from '../engine/store/open-storage';
import { SqliteStorage } from '../engine/store/sqlite-storage';
import type { PlacedTrial, Storage } from '../engine/store/storage';
import type { ProvenanceSource } from './present';

export const STORAGE_HELP = 'the study storage: postgresql://user@host/db for a shared study, or a SQLite file (as --db)';

/**
 * Opens the storage for one reading command and always closes it. `store` is the SQLite file's
 * synchronous API (what reports and payback read), null for PostgreSQL.
 */
export async function withReadStorage<T>(location: string, fn: (storage: Storage, store: Store | null) => Promise<T>): Promise<T> {
  if (isDatabaseUrl(location)) {
    const storage = await openStorage(location);
    try {
      return await fn(storage, null);
    } finally {
      await storage.close();
    }
  }
  const store = new Store(location, { readonly: true });
  try {
    return await fn(new SqliteStorage(store), store);
  } finally {
    store.close();
  }
}

/**
 * Reads a shared (PostgreSQL) study as a study file for one command: the study `name` (by name
 * or id, looked up on the server) or, without a name, every study there, copied into a temporary
 * file (as `ecopt copy` copies) that is deleted afterwards. `fn` gets the study's name, which is
 * how the copy knows it (ids are the file's own).
 */
export async function withSnapshot<T>(url: string, name: string | undefined, fn: (store: Store, studyName: string | undefined) => T | Promise<T>): Promise<T> {
  const storage = await openStorage(url);
  const dir = mkdtempSync(join(tmpdir(), 'ecopt-snapshot-'));
  try {
    const studies = name !== undefined ? [await storage.requireStudy(name)] : await storage.listStudies();
    const store = new Store(join(dir, 'snapshot.db'));
    try {
      const into = new SqliteStorage(store);
      for (const s of studies) await into.importStudy(await storage.exportStudy(s.id));
      return await fn(store, name !== undefined ? studies[0]!.name : undefined);
    } finally {
      store.close();
    }
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What provenanceLines reads, fetched ahead from a storage without a synchronous API. */
export async function fetchProvenance(storage: Storage, study: StudyRow, trials: readonly PlacedTrial[]): Promise<ProvenanceSource> {
  const windows = new Map<number, Awaited<ReturnType<Storage['getWindows']>>>();
  const attrs = new Map<number, Record<string, unknown>>();
  for (const t of trials) {
    windows.set(t.id, await storage.getWindows({ trialId: t.id }));
    attrs.set(t.id, await storage.getTrialAttrs(t.id));
  }
  const meters = await storage.getMeters(study.id);
  // every baseline, as a study file gives them: show says which it prints, the latest of how many
  const idles = await storage.getWindows({ studyId: study.id, phase: 'idle' });
  return {
    getWindows: (f) => ('trialId' in f ? (windows.get(f.trialId) ?? []) : idles),
    getMeters: () => meters,
    getTrialAttrs: (id) => attrs.get(id) ?? {},
  };
}
