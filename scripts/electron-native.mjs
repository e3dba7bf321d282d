#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .electron-native/, beside the Node build that the
// CLI and tests use, so neither breaks the other (the app selects it with `nativeBinding`).
// Runs before `npm start` and `npm run dist`; needs internet once for Electron's headers.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const target = join(root, '.electron-native', 'better-sqlite3');
const stamp = join(target, `.built-for-electron-${electronVersion}`);
if (existsSync(stamp)) process.exit(0);

console.log(`Building better-sqlite3 for Electron ${electronVersion} (once)…`);
rmSync(target, { recursive: true, force: true });
cpSync(join(root, 'node_modules', 'better-sqlite3'), target, { recursive: true, filter: (p) => !p.includes(`${join('better-sqlite3', 'build')}`) });
const gyp = process.env.npm_config_node_gyp ?? require.resolve('node-gyp/bin/node-gyp.js');
const r = spawnSync(process.execPath, [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers', `--arch=${process.arch}`], {
  cwd: target,
  stdio: 'inherit',
  env: { ...process.env, npm_config_nodedir: '' },
});
if (r.status !== 0) {
  console.error('Could not build better-sqlite3 for Electron: this needs internet once (Electron headers) and a C++ toolchain. The CLI (`npx ecopt`) and `npx ecopt serve` work without it.');
  process.exit(1);
}
writeFileSync(stamp, '');
