/**
 * `--storage <url-or-file>` for the reading commands (`show`, `studies`): a PostgreSQL URL opens
 * the shared database; anything else is a SQLite file, opened read-only as `--db` opens it.
 */
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
