/**
 * The transport for `ecopt serve`: the same renderer served to a browser on loopback, commands
 * as POST /api/<command>, events over a WebSocket at /events. Every request must carry the
 * random token from the URL the server prints (query `token` or header `x-ecopt-token`).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName, EventPayload } from '../shared/contract';
import { Api } from './handlers';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface ServeOptions {
  port?: number;
  host?: string;
  dbPath?: string;
  rendererDir: string;
  token?: string;
}

export interface Served {
  url: string;
  token: string;
  server: Server;
  api: Api;
  close(): Promise<void>;
}

function sameToken(a: string | null, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page of its own (no script, so the CSP needs no exception) for an address that is no file and no screen. */
function notFoundPage(pathname: string, token: string | null): string {
  const home = token
    ? `<a href="/?token=${encodeURIComponent(token)}#/">Go to your studies</a>`
    : 'Open the address that <code>ecopt serve</code> printed (it carries the access token).';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found · ECOpt</title>
<style>body{font-family:system-ui,sans-serif;margin:3rem;color:#1d2a24;background:#f6f8f5}code{background:#e5ebe4;padding:0 .3em}a{color:#1d6b40}</style></head>
<body><main><h1>Page not found</h1><p>ECOpt has nothing at <code>${escapeHtml(pathname)}</code>.</p><p>${home}</p></main></body></html>`;
}

export async function serve(options: ServeOptions): Promise<Served> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new Error('ecopt serve binds to loopback only');
  const sockets = new Set<WebSocket>();
  const emit = <N extends EventName>(name: N, payload: EventPayload<N>) => {
    const msg = JSON.stringify({ event: name, payload });
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(msg);
  };
  const api = new Api({ mode: 'serve', emit, ...(options.dbPath ? { dbPath: options.dbPath } : {}) });
  const root = resolve(options.rendererDir);

  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (url.pathname.startsWith('/api/')) {
      if (!sameToken(url.searchParams.get('token') ?? (req.headers['x-ecopt-token'] as string | undefined) ?? null, token)) {
        res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'missing or wrong token: open the URL that `ecopt serve` printed' }));
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      let body = '';
      for await (const chunk of req) {
        body += chunk;
        if (body.length > 5_000_000) {
          res.writeHead(413).end();
          return;
        }
      }
      let payload: unknown;
      try {
        payload = body ? JSON.parse(body) : {};
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'the request body is not valid JSON' }));
        return;
      }
      // the study file this tab opened ("Open another study file"), URI-encoded: headers are ASCII
      const db = req.headers['x-ecopt-db'];
      let dbPath: string | undefined;
      try {
        dbPath = typeof db === 'string' && db ? decodeURIComponent(db) : undefined;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'the x-ecopt-db header is not a URI-encoded path' }));
        return;
      }
      const result = await api.dispatch(decodeURIComponent(url.pathname.slice(5)), payload, dbPath ? { dbPath } : {});
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      return;
    }
    // static renderer files; the page itself needs the token to do anything
    let decoded: string;
    try {
      decoded = decodeURIComponent(url.pathname);
    } catch {
      decoded = '/\0';
    }
    const path = normalize(join(root, url.pathname === '/' ? 'index.html' : decoded));
    if (!path.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(path) || statSync(path).isDirectory()) {
      // screens live in the page's #hash: any other path is not a place in the app
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, 'cache-control': 'no-store' });
      res.end(notFoundPage(url.pathname, sameToken(url.searchParams.get('token'), token) ? token : null));
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-security-policy': CSP, 'cache-control': 'no-store' });
    createReadStream(path).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/events' || !sameToken(url.searchParams.get('token'), token)) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${host === '::1' ? '[::1]' : host}:${port}/?token=${token}`;
  return {
    url,
    token,
    server,
    api,
    close: async () => {
      for (const s of sockets) s.terminate();
      wss.close();
      api.close();
      await api.idle();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
