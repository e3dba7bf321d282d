/**
 * The preload exposes one named function per contract command and an event subscription,
 * never ipcRenderer itself. Runs sandboxed, so it is bundled as CommonJS.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { COMMAND_NAME_LIST } from '../shared/command-names';

const commands = Object.fromEntries(COMMAND_NAME_LIST.map((name) => [name, (payload: unknown) => ipcRenderer.invoke(`ecopt:${name}`, payload)]));

contextBridge.exposeInMainWorld('ecopt', {
  commands,
  onEvent(cb: (name: string, payload: unknown) => void) {
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown) => cb(name, payload);
    ipcRenderer.on('ecopt:event', listener);
    return () => ipcRenderer.removeListener('ecopt:event', listener);
  },
});
