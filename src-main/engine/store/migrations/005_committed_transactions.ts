import type { Migration } from './index';

/**
 * PostgreSQL's migration 5 creates `committed_tx`, the tokens by which a write retried after a
 * lost COMMIT reply learns whether it committed. A SQLite file commits on this machine, where no
 * reply can be lost: nothing to create. Kept so that both histories number alike.
 */
export const m005: Migration = {
  version: 5,
  name: 'committed transactions',
  sql: `-- PostgreSQL only (see migrations/postgres.ts): a local SQLite commit has no reply to lose
SELECT 1;
`,
};
