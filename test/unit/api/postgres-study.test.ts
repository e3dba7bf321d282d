/**
 * Opening a PostgreSQL study in the app as it opens a file (#16): "Open another study file" takes
 * a postgresql:// URL; the tab gets the URL back with its password hidden and reads a local
 * read-only snapshot of the database's studies that is remade when older than 2 s, so remote
 * workers' trials appear as the explorer polls; whatever would write is refused, naming
 * `ecopt worker --storage`.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Api, SNAPSHOT_MS } from '../../../src-main/api/handlers';
import type { ExploreView, Response, StudyView } from '../../../src-main/shared/contract';
import { PostgresStorage } from '../../../src-main/engine/store/postgres-storage';
import type { Storage } from '../../../src-main/engine/store/storage';
import { postgresMissing, usePostgres } from '../../helpers/postgres';
import { A, B, addTrial, data, seedTwoClasses } from '../../helpers/two-classes';
import { tmpDir } from '../../helpers/tmp';

const pgServer = usePostgres();
const closing: (Api | Storage)[] = [];
afterEach(async () => {
  while (closing.length) {
    const c = closing.pop()!;
    if (c instanceof Api) c.close();
    else await c.close();
  }
});

const withPassword = (url: string) => {
  const u = new URL(url);
  u.password = 's3cret-pw';
  return u.toString();
};

describe.skipIf(postgresMissing)('a PostgreSQL study in the app', () => {
  it('opens for the asking tab as a snapshot, password hidden, and shows trials other workers add as it polls', async () => {
    const url = withPassword(await pgServer.server().createDatabase());
    const storage = await PostgresStorage.open(url);
    closing.push(storage);
    const studyId = await seedTwoClasses(storage);
    const api = new Api({ mode: 'serve', dbPath: join(tmpDir(), 'home.db'), emit: () => {} });
    closing.push(api);

    const opened = await data<Response<'studies.openFile'>>(api.dispatch('studies.openFile', { path: url }));
    expect(opened.remote).toBe(true);
    expect(opened.dbPath).not.toContain('s3cret-pw');
    expect(opened.dbPath).toMatch(/^postgresql:\/\/postgres:\*\*\*@localhost\//);
    expect(opened.studies.map((s) => s.name)).toEqual(['spread']);
    const tab = { dbPath: opened.dbPath };
    const info = await data<Response<'app.info'>>(api.dispatch('app.info', {}, tab));
    expect([info.dbPath, info.remote]).toEqual([opened.dbPath, true]);
    // another tab keeps the server's own file
    expect(await data<Response<'studies.list'>>(api.dispatch('studies.list', {}))).toEqual([]);

    const first = await data<ExploreView>(api.dispatch('study.explore', { name: 'spread' }, tab));
    expect(first.remote?.location).toBe(opened.dbPath);
    expect(first.trials.number).toEqual([0, 1, 2, 3, 4]);
    expect(first.trials.host).toEqual(['m1', 'm1', 'm1', 'm2', 'm3']);
    expect(first.classes?.map((c) => c.id)).toEqual([A, B]);

    // a remote worker finishes a trial: the next poll after SNAPSHOT_MS shows it
    await addTrial(storage, studyId, 'm4', B, 0.99, 0.01);
    await new Promise((r) => setTimeout(r, SNAPSHOT_MS + 200));
    const got = await data<StudyView>(api.dispatch('study.get', { name: 'spread' }, tab));
    expect(got.trials.map((t) => [t.number, t.host])).toContainEqual([5, 'm4']);
    expect(got.classes?.find((c) => c.id === B)?.front).toEqual([5]);
    const trial = await data<Response<'trial.get'>>(api.dispatch('trial.get', { name: 'spread', number: 5 }, tab));
    expect([trial.trial.host, trial.trial.hardwareClass]).toEqual(['m4', B]);
  }, 60_000);

  it("lists the study's own updated time, not the time the snapshot was made (as `ecopt studies --storage` prints it)", async () => {
    const url = withPassword(await pgServer.server().createDatabase());
    const storage = await PostgresStorage.open(url);
    closing.push(storage);
    const studyId = await seedTwoClasses(storage);
    const own = async () => (await storage.listStudies()).find((s) => s.name === 'spread')!.updatedAt;
    const updatedAt = await own();
    await new Promise((r) => setTimeout(r, 50));
    const api = new Api({ mode: 'serve', dbPath: join(tmpDir(), 'home.db'), emit: () => {} });
    closing.push(api);
    const opened = await data<Response<'studies.openFile'>>(api.dispatch('studies.openFile', { path: url }));
    expect(opened.studies.map((s) => s.updatedAt)).toEqual([updatedAt]);
    // a remote worker's trial updates the study: the remade snapshot shows its new time
    await addTrial(storage, studyId, 'm4', B, 0.99, 0.01);
    await new Promise((r) => setTimeout(r, SNAPSHOT_MS + 200));
    const tab = { dbPath: opened.dbPath };
    const listed = await data<Response<'studies.list'>>(api.dispatch('studies.list', {}, tab));
    expect(listed.map((s) => s.updatedAt)).toEqual([await own()]);
    expect(listed[0]!.updatedAt).not.toBe(updatedAt);
  }, 60_000);

  it('refuses whatever would write (start, resume, re-measure), naming ecopt worker; forgets a password it no longer holds', async () => {
    const url = withPassword(await pgServer.server().createDatabase());
    const storage = await PostgresStorage.open(url);
    closing.push(storage);
    await seedTwoClasses(storage);
    const api = new Api({ mode: 'serve', dbPath: join(tmpDir(), 'home.db'), emit: () => {} });
    closing.push(api);
    const { dbPath } = await data<Response<'studies.openFile'>>(api.dispatch('studies.openFile', { path: url }));
    const tab = { dbPath };
    const refusals = [
      await api.dispatch('study.control', { name: 'spread', action: 'resume' }, tab),
      await api.dispatch('trial.remeasure', { name: 'spread' }, tab),
      await api.dispatch('study.start', { spec: { name: 'x' } }, tab),
    ];
    for (const r of refusals) {
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(/only reads: run `ecopt worker <study> --storage <url>`/);
      expect(!r.ok && r.error).not.toContain('s3cret-pw');
    }
    // a server that never opened it (restarted) gets only the redacted URL: asks for the URL again
    const fresh = new Api({ mode: 'serve', dbPath: join(tmpDir(), 'home2.db'), emit: () => {} });
    closing.push(fresh);
    const lost = await fresh.dispatch('studies.list', {}, tab);
    expect(lost.ok).toBe(false);
    expect(!lost.ok && lost.error).toMatch(/no longer open here: type its URL, with the password/);
    // an unreachable server is an error a person can read, without the password
    const wrong = await api.dispatch('studies.openFile', { path: 'postgresql://nobody:pw-typed@127.0.0.1:1/none' });
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.error).toMatch(/^cannot read postgresql:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
    expect(!wrong.ok && wrong.error).not.toContain('pw-typed');
  }, 60_000);
});
