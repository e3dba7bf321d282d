/**
 * The preload exposes one named function per contract command and an event subscription,
 * never ipcRenderer itself. Runs sandboxed, so it is bundled as CommonJS.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { COMMAND_NAME_LIST } from '../shared/command-names';

// `dbPath`: the study file this window opened, when not the default one
const commands = Object.fromEntries(COMMAND_NAME_LIST.map((name) => [name, (payload: unknown, dbPath?: string) => ipcRenderer.invoke(`ecopt:${name}`, payload, dbPath)]));

contextBridge.exposeInMainWorld('ecopt', {
  commands,
  /** The system's open dialog: a file (with the given extensions, e.g. ".csv") or a folder; null when cancelled. */
  pickPath(options: { kind: 'file' | 'folder'; extensions?: string[]; title?: string }): Promise<string | null> {
    return ipcRenderer.invoke('ecopt:pick-path', options) as Promise<string | null>;
  },
  onEvent(cb: (name: string, payload: unknown) => void) {
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown) => cb(name, payload);
    ipcRenderer.on('ecopt:event', listener);
    return () => ipcRenderer.removeListener('ecopt:event', listener);
  },
});
