/**
 * The engine in Electron's utility process, off the main process's event loop: receives
 * contract requests from the main process, answers them through the same handlers as
 * `ecopt serve`, and forwards events. (Node APIs only: this file never imports electron.)
 */
import { Api } from '../api/handlers';

interface Port {
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort: Port }).parentPort;
const api = new Api({
  mode: 'electron',
  emit: (name, payload) => port.postMessage({ type: 'event', name, payload }),
});

port.on('message', (e) => {
  const msg = e.data as { id: number; name: string; payload: unknown; dbPath?: string };
  void api.dispatch(msg.name, msg.payload, msg.dbPath ? { dbPath: msg.dbPath } : {}).then((result) => port.postMessage({ type: 'reply', id: msg.id, result }));
});
