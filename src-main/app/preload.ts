/**
 * The preload exposes named functions only, never ipcRenderer itself. The desktop-app work
 * generates these from the one contract; for now the page can ask which version it runs.
 */
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('ecopt', {
  platform: process.platform,
  versions: { electron: process.versions.electron, chrome: process.versions.chrome },
});
