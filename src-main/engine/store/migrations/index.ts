/**
 * Numbered, append-only schema migrations. Never edit or reorder a migration that has shipped:
 * add a new one. Each is recorded in `schema_migrations` with a SHA-256 of its SQL, and a file
 * whose recorded history differs from this list is refused (see db.ts).
 */
import { m001 } from './001_initial';
import { m002 } from './002_flags_and_net_energy';
import { m003 } from './003_attribution';
import { m004 } from './004_workers';
import { m005 } from './005_committed_transactions';
import { m006 } from './006_window_host';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006];
