/**
 * Where a study lives, from what the user typed: a file path (SQLite, the default) or a
 * `postgresql://` / `postgres://` URL (a database shared by workers on several machines).
 */
import type { OpenOptions } from './db';
import { PostgresStorage, redactUrl } from './postgres-storage';
import { SqliteStorage } from './sqlite-storage';
import type { Storage } from './storage';
import { Store } from './store';

export function isDatabaseUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The location as messages may show it: a URL without its password. */
export function displayLocation(location: string): string {
  return isDatabaseUrl(location) ? redactUrl(location) : location;
}

export async function openStorage(location: string, options: OpenOptions = {}): Promise<Storage> {
  if (isDatabaseUrl(location)) return PostgresStorage.open(location);
  return new SqliteStorage(new Store(location, options));
}
