/** Where things live: the user's data folder and the bundled resources. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding the default study database. The CLI and the desktop app use the same one,
 * so a study started in either shows up in both. `ECOPT_DATA_DIR` overrides it (tests use this
 * to start from a fresh folder).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.ECOPT_DATA_DIR) return resolve(env.ECOPT_DATA_DIR);
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'ECOpt');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'ECOpt');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'ecopt');
}

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultDataDir(env), 'studies.db');
}

let resourcesDirCache: string | null = null;

/**
 * The bundled `resources/` folder. Found by walking up from this file, which works from the
 * TypeScript sources, from the electron-vite bundle (out/main) and from a packaged app
 * (where `ECOPT_RESOURCES_DIR` is set by the shell).
 */
export function resourcesDir(): string {
  if (process.env.ECOPT_RESOURCES_DIR) return process.env.ECOPT_RESOURCES_DIR;
  if (resourcesDirCache) return resourcesDirCache;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, 'datasets'))) {
      resourcesDirCache = candidate;
      return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the bundled resources/ folder; reinstall ECOpt or set ECOPT_RESOURCES_DIR');
}

export function repoRoot(): string {
  return dirname(resourcesDir());
}
