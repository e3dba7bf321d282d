/**
 * The Electron shell: one secure window on the renderer. Thin on purpose: everything it shows
 * comes from the engine, which never imports electron.
 */
import { app, BrowserWindow, dialog, ipcMain, session, shell, utilityProcess, type IpcMainInvokeEvent } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_NAMES } from '../shared/contract';
import { CONTENT_SECURITY_POLICY, isAppUrl, isExternalLink, secureWebPreferences } from './security';

// better-sqlite3 built for Electron's ABI by scripts/electron-native.mjs, beside the Node build
const electronSqlite = join(import.meta.dirname, '../../.electron-native/better-sqlite3/build/Release/better_sqlite3.node');

/** The engine runs in a utility process; the main process only relays requests and events. */
function startEngine(): { request(name: string, payload: unknown, dbPath: string | undefined): Promise<unknown> } {
  const child = utilityProcess.fork(join(import.meta.dirname, 'engine-host.js'), [], {
    serviceName: 'ECOpt engine',
    env: { ...process.env, ...(existsSync(electronSqlite) ? { ECOPT_SQLITE_BINDING: electronSqlite } : {}) },
  });
  let next = 1;
  const pending = new Map<number, (r: unknown) => void>();
  child.on('message', (msg: { type: string; id?: number; result?: unknown; name?: string; payload?: unknown }) => {
    if (msg.type === 'reply' && msg.id !== undefined) {
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    } else if (msg.type === 'event') {
      for (const w of BrowserWindow.getAllWindows()) w.webContents.send('ecopt:event', msg.name, msg.payload);
    }
  });
  return {
    request: (name, payload, dbPath) =>
      new Promise((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        child.postMessage({ id, name, payload, ...(dbPath ? { dbPath } : {}) });
      }),
  };
}

/** The open dialog behind the wizard's and the Studies screen's "Browse…"; options checked here, where they arrive. */
async function pickPath(event: IpcMainInvokeEvent, options: unknown): Promise<string | null> {
  const o = (typeof options === 'object' && options ? options : {}) as { kind?: unknown; extensions?: unknown; title?: unknown };
  const folder = o.kind === 'folder';
  const extensions = Array.isArray(o.extensions) ? o.extensions.filter((e): e is string => typeof e === 'string' && /^\.?[\w-]{1,16}$/.test(e)).map((e) => e.replace(/^\./, '')) : [];
  const win = BrowserWindow.fromWebContents(event.sender);
  const dialogOptions: Electron.OpenDialogOptions = {
    title: typeof o.title === 'string' ? o.title.slice(0, 200) : folder ? 'Choose a folder' : 'Choose a file',
    properties: [folder ? 'openDirectory' : 'openFile'],
    ...(!folder && extensions.length ? { filters: [{ name: extensions.join(', '), extensions }, { name: 'All files', extensions: ['*'] }] } : {}),
  };
  const r = win ? await dialog.showOpenDialog(win, dialogOptions) : await dialog.showOpenDialog(dialogOptions);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

const devServerUrl = process.env.ELECTRON_RENDERER_URL;

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'ECOpt',
    show: false,
    webPreferences: secureWebPreferences(join(import.meta.dirname, '../preload/index.cjs')),
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, devServerUrl)) {
      event.preventDefault();
      if (isExternalLink(url)) void shell.openExternal(url);
    }
  });
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

void app.whenReady().then(() => {
  const engine = startEngine();
  // one handler per contract command; the engine validates every payload where it arrives
  // the second argument: the study file the window opened ("Open another study file"), if any
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(`ecopt:${name}`, (_e, payload: unknown, dbPath: unknown) => engine.request(name, payload, typeof dbPath === 'string' && dbPath.length < 4096 ? dbPath : undefined));
  }
  ipcMain.handle('ecopt:pick-path', pickPath);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
