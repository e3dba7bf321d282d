/**
 * A shared study's database restarted under a running worker (an upgrade, a failover, a network
 * blip): statements and transactions wait for it and go on; past ECOPT_DB_RETRY_S the message
 * names the database and the fix. A real server, shut down and started again on the same data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pgDriver from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../../src-main/engine/errors';
import { PostgresStorage, isConnectionLoss } from '../../../../src-main/engine/store/postgres-storage';
import { parseStudySpec, type StudySpec } from '../../../../src-main/shared/spec';
import { postgresMissing, usePostgres } from '../../../helpers/postgres';
import { quickSpec } from '../../../helpers/specs';

const pg = usePostgres();
const spec = (name: string): StudySpec => {
  const r = parseStudySpec(quickSpec({ name, trials: 4 }));
  if (!r.ok) throw new Error('bad spec');
  return r.spec;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const opened: PostgresStorage[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close().catch(() => undefined);
  delete process.env.ECOPT_DB_RETRY_S;
});

describe('connection loss', () => {
  it('tells a lost or refused connection from a wrong statement', () => {
    for (const code of ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', '57P01', '08006']) expect(isConnectionLoss({ code }), code).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    for (const code of ['23505', '42P01', '40001']) expect(isConnectionLoss({ code, message: 'duplicate key' }), code).toBe(false);
    expect(isConnectionLoss(null)).toBe(false);
  });
});

describe.skipIf(postgresMissing)('a PostgreSQL study through a server restart', () => {
  it('reads and transactions wait for the server to come back, then go on, nothing lost', async () => {
    const url = await pg.server().createDatabase();
    const s = await PostgresStorage.open(url);
    opened.push(s);
    await s.createStudy(spec('before'));
    const back = pg.server().restart(1500);
    await sleep(400); // down now: its socket is gone
    const [created, list] = await Promise.all([s.createStudy(spec('during')), s.listStudies()]);
    await back;
    expect(created.name).toBe('during');
    expect(list.map((x) => x.name)).toContain('before');
    expect((await s.listStudies()).map((x) => x.name)).toEqual(['before', 'during']);
  });

  it('a worker never takes its own trial for dead, and no worker judges heartbeats just after the server came back', async () => {
    const url = await pg.server().createDatabase();
    const s = await PostgresStorage.open(url);
    opened.push(s);
    const study = await s.createStudy(spec('beats'));
    const self = { host: 'rack-1', pid: process.pid };
    const other = { host: 'rack-2', pid: 4242 };
    const mine = (await s.claimTrial(study.id, { params: { units: 4, learning_rate: 0.01, epochs: 2 }, retryOf: null, worker: self, hardwareClass: 'c', budget: 4 }))!;
    const theirs = (await s.claimTrial(study.id, { params: { units: 8, learning_rate: 0.01, epochs: 2 }, retryOf: null, worker: other, hardwareClass: 'c', budget: 4 }))!;
    // both heartbeats long stale, as after an outage
    const raw = new pgDriver.Client({ connectionString: url });
    await raw.connect();
    await raw.query('UPDATE trials SET heartbeat_ms = 1 WHERE study_id = $1', [study.id]);
    await raw.end();
    const back = pg.server().restart(800);
    await sleep(300);
    // asked while the server is down: answered once it is back, and judging nothing yet
    expect(await s.recoverStale(study.id, self, 1500)).toEqual([]);
    await back;
    await sleep(1600);
    // later: the other worker's trial (still no heartbeat) is taken for dead, this worker's own never
    expect((await s.recoverStale(study.id, self, 1500)).map((t) => t.id)).toEqual([theirs.id]);
    expect((await s.getTrial(mine.id))!.state).toBe('running');
  });

  it('gives up after ECOPT_DB_RETRY_S with the database, password hidden, and the fix', async () => {
    const url = await pg.server().createDatabase();
    process.env.ECOPT_DB_RETRY_S = '1';
    const s = await PostgresStorage.open(url);
    opened.push(s);
    const back = pg.server().restart(3000);
    await sleep(400);
    const lost = s.listStudies();
    await expect(lost).rejects.toBeInstanceOf(UserError);
    await expect(lost).rejects.toThrow(/^lost the connection to the PostgreSQL database postgresql:\/\/postgres@localhost\/\w+\?host=.* and could not get it back in 1 s: check that the server runs and this machine can reach it, then run the command again .*ECOPT_DB_RETRY_S/);
    await back;
    expect(await s.listStudies()).toEqual([]);
  });
});

/**
 * A Unix-socket proxy in front of the server that, once armed, passes the next COMMIT on to the
 * server, drops the server's reply, and cuts the connection: the transaction committed, and the
 * client saw only the connection go.
 */
async function commitReplyLost(url: string): Promise<{ url: string; arm: () => void; cuts: () => number; close: () => Promise<void> }> {
  const serverDir = new URL(url).searchParams.get('host')!;
  const dir = mkdtempSync(join(tmpdir(), 'pgx-'));
  let armed = false;
  let cut = 0;
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    const server = connect(join(serverDir, '.s.PGSQL.5432'));
    sockets.add(client).add(server);
    let swallow = false;
    client.on('data', (chunk) => {
      server.write(chunk);
      // a simple-protocol Query message: 'Q', its length, the SQL, NUL
      if (armed && chunk[0] === 0x51 && chunk.subarray(5).toString().startsWith('COMMIT')) {
        armed = false;
        swallow = true;
        cut++;
        setTimeout(() => {
          client.destroy();
          server.destroy();
        }, 300);
      }
    });
    server.on('data', (chunk) => {
      if (!swallow) client.write(chunk);
    });
    for (const [a, b] of [[client, server], [server, client]] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((r) => proxy.listen(join(dir, '.s.PGSQL.5432'), r));
  const proxied = new URL(url);
  proxied.searchParams.set('host', dir);
  return {
    url: proxied.toString(),
    arm: () => (armed = true),
    cuts: () => cut,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(postgresMissing)("a write whose COMMIT reply was lost", () => {
  it('is not written twice: one trial claimed, one idle window counted, one completion', async () => {
    const url = await pg.server().createDatabase();
    const proxy = await commitReplyLost(url);
    try {
      const s = await PostgresStorage.open(proxy.url);
      opened.push(s);
      const study = await s.createStudy(spec('lost-commit'));
      const worker = { host: 'rack-1', pid: process.pid };
      proxy.arm();
      const claimed = await s.claimTrial(study.id, { params: { units: 4, learning_rate: 0.01, epochs: 2 }, retryOf: null, worker, hardwareClass: 'c', budget: 4 });
      expect(proxy.cuts()).toBe(1);
      expect(claimed!.number).toBe(0);
      expect((await s.getTrials(study.id)).map((t) => t.number)).toEqual([0]);
      proxy.arm();
      await s.insertWindow(study.id, null, { phase: 'idle', startedAtMs: Date.now(), durationS: 5, domains: [{ domain: 'cpu-package', energyJ: 50, provenance: { method: 'estimated', source: 'cpu-tdp-estimate', model: 'tdp', inputs: {}, uncertaintyRel: 0.4 } }] });
      expect(proxy.cuts()).toBe(2);
      expect(await s.getWindows({ studyId: study.id, phase: 'idle' })).toHaveLength(1);
      proxy.arm();
      await s.completeTrial(claimed!.id, { metrics: { accuracy: 0.9 }, attrs: {}, windows: [], backend: 'wasm', powerSamples: [] });
      expect(proxy.cuts()).toBe(3);
      expect((await s.getTrial(claimed!.id))!.state).toBe('complete');
    } finally {
      await proxy.close();
    }
  });
});
