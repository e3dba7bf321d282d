/**
 * A password kept out of the URL, as the README advises (~/.pgpass, PGPASSWORD): found without
 * the driver's deprecation warning, or a message that says a password is missing and where it
 * goes. A real server whose pg_hba.conf asks this user for a SCRAM password.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../../../../src-main/engine/store/postgres-storage';
import { postgresMissing, usePostgres } from '../../../helpers/postgres';
import { tmpDir } from '../../../helpers/tmp';

const server = usePostgres();
let base = '';
let db = '';
const saved = { PGPASSFILE: process.env.PGPASSFILE, PGPASSWORD: process.env.PGPASSWORD };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe.skipIf(postgresMissing)('a PostgreSQL password kept out of the URL', () => {
  beforeAll(async () => {
    const admin = await server.server().createDatabase();
    const u = new URL(admin);
    db = u.pathname.slice(1);
    base = server.server().dir;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query("CREATE ROLE team LOGIN PASSWORD 'pw-s3cret'");
      await c.query(`GRANT ALL ON DATABASE ${db} TO team`);
      await c.query(`ALTER DATABASE ${db} OWNER TO team`);
      // the superuser stays trusted (the helper's own connections); everyone else needs a password
      writeFileSync(join(base, 'data', 'pg_hba.conf'), 'local all postgres trust\nlocal all all scram-sha-256\n');
      await c.query('SELECT pg_reload_conf()');
    } finally {
      await c.end();
    }
  });

  it('says a password is missing, and where it goes', async () => {
    process.env.PGPASSFILE = join(tmpDir(), 'none');
    delete process.env.PGPASSWORD;
    await expect(PostgresStorage.open(`postgresql://team@localhost/${db}?host=${encodeURIComponent(base)}`)).rejects.toThrow(
      /the server asks for a password for user "team" and none was given: put it in the URL .*, in ~\/\.pgpass .* or in PGPASSWORD/,
    );
  });

  it('reads ~/.pgpass (PGPASSFILE) with no deprecation warning, and a Unix-socket URL without a host', async () => {
    const file = join(tmpDir(), 'pgpass');
    writeFileSync(file, `*:*:${db}:team:pw-s3cret\n`);
    chmodSync(file, 0o600);
    process.env.PGPASSFILE = file;
    delete process.env.PGPASSWORD;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const s = await PostgresStorage.open(`postgresql://team@/${db}?host=${encodeURIComponent(base)}`);
      expect(await s.listStudies()).toEqual([]);
      await s.close();
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((m) => /pgpass/.test(m))).toEqual([]);
  });

  it('takes PGPASSWORD', async () => {
    process.env.PGPASSFILE = join(tmpDir(), 'none');
    process.env.PGPASSWORD = 'pw-s3cret';
    const s = await PostgresStorage.open(`postgresql://team@localhost/${db}?host=${encodeURIComponent(base)}`);
    expect(await s.listStudies()).toEqual([]);
    await s.close();
  });
});
