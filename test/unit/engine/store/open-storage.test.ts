import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../src-main/engine/errors';
import { displayLocation, openStorage } from '../../../../src-main/engine/store/open-storage';
import { redactUrl } from '../../../../src-main/engine/store/postgres-storage';
import { tmpDir } from '../../../helpers/tmp';

describe('openStorage', () => {
  it('opens a path as a SQLite study file', async () => {
    const path = join(tmpDir(), 'a.db');
    const s = await openStorage(path);
    expect([s.kind, s.location]).toEqual(['sqlite', path]);
    await s.close();
  });

  it('never shows a URL password', () => {
    expect(redactUrl('postgresql://ecopt:s3cret@db.lab:5432/studies')).toBe('postgresql://ecopt:***@db.lab:5432/studies');
    expect(displayLocation('postgres://ecopt@db.lab/studies')).toBe('postgres://ecopt@db.lab/studies');
    expect(displayLocation('/data/studies.db')).toBe('/data/studies.db');
  });

  it('refuses an unreachable server or a bad URL with a UserError naming it, password hidden, and the fix', async () => {
    const down = openStorage('postgresql://ecopt:s3cret-pw@127.0.0.1:1/studies');
    await expect(down).rejects.toBeInstanceOf(UserError);
    await expect(down).rejects.toThrow(/^cannot connect to the PostgreSQL database postgresql:\/\/ecopt:\*\*\*@127\.0\.0\.1:1\/studies: .*check that the server runs/);
    await expect(down).rejects.not.toThrow(/s3cret/);
    const bad = openStorage('postgresql://ecopt:s3cret-pw@db.lab:notaport/studies');
    await expect(bad).rejects.toBeInstanceOf(UserError);
    await expect(bad).rejects.toThrow(/write it as postgresql:\/\/user:password@host:5432\/database/);
    await expect(bad).rejects.not.toThrow(/s3cret/);
  });
});
