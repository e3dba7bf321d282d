/**
 * The renderer's client, generic over the one contract. In the desktop app it calls the named
 * functions the preload exposes; in `ecopt serve` it posts to /api/<command> with the token from
 * the page's URL and listens to /events over a WebSocket.
 */
import type { CommandName, EventName, EventPayload, Request, Response, Result } from '../../src-main/shared/contract';

interface Bridge {
  /** `dbPath`: the study file this window opened, when not the default one. */
  commands: Record<string, (payload: unknown, dbPath?: string) => Promise<Result<unknown>>>;
  onEvent(cb: (name: string, payload: unknown) => void): () => void;
  /** The desktop app's open dialog (absent in the browser). */
  pickPath?(options: { kind: 'file' | 'folder'; extensions?: string[]; title?: string }): Promise<string | null>;
}

declare global {
  interface Window {
    ecopt?: Bridge;
  }
}

type Listener = (name: EventName, payload: unknown) => void;
const listeners = new Set<Listener>();
let socket: WebSocket | null = null;

function token(): string {
  return new URLSearchParams(window.location.search).get('token') ?? '';
}

function connect(): void {
  if (window.ecopt) {
    window.ecopt.onEvent((name, payload) => listeners.forEach((l) => l(name as EventName, payload)));
    return;
  }
  const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
  socket = new WebSocket(`${proto}://${window.location.host}/events?token=${encodeURIComponent(token())}`);
  socket.onmessage = (m) => {
    const { event, payload } = JSON.parse(String(m.data)) as { event: EventName; payload: unknown };
    listeners.forEach((l) => l(event, payload));
  };
  socket.onclose = () => setTimeout(connect, 1000);
}

let connected = false;

export function onEvent<N extends EventName>(name: N, cb: (payload: EventPayload<N>) => void): () => void {
  if (!connected) {
    connected = true;
    connect();
  }
  const l: Listener = (n, p) => {
    if (n === name) cb(p as EventPayload<N>);
  };
  listeners.add(l);
  return () => listeners.delete(l);
}

export class ApiError extends Error {}

const DB_KEY = 'ecopt.dbPath';

/**
 * The study file this tab opened with "Open another study file" (null: the server's own). Kept in
 * the tab's sessionStorage, so it survives a reload and no other tab sees it.
 */
export function tabDbPath(): string | null {
  try {
    return window.sessionStorage.getItem(DB_KEY);
  } catch {
    return null;
  }
}

export function setTabDbPath(path: string | null): void {
  try {
    if (path) window.sessionStorage.setItem(DB_KEY, path);
    else window.sessionStorage.removeItem(DB_KEY);
  } catch {
    // storage refused (a locked-down browser): the tab reads the default file
  }
}

export async function call<N extends CommandName>(name: N, request: Request<N>): Promise<Response<N>> {
  let result: Result<unknown>;
  const db = tabDbPath();
  if (window.ecopt) {
    result = await window.ecopt.commands[name]!(request, db ?? undefined);
  } else {
    const res = await fetch(`/api/${name}?token=${encodeURIComponent(token())}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(db ? { 'x-ecopt-db': encodeURIComponent(db) } : {}) },
      body: JSON.stringify(request),
    });
    result = (await res.json()) as Result<unknown>;
  }
  if (!result.ok) throw new ApiError(result.error);
  return result.data as Response<N>;
}
