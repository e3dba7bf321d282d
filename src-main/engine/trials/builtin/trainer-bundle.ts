/**
 * Run from source (`npx ecopt`, the tests), the trainer is TypeScript. Starting it through tsx's
 * loader hooks doubles the CPU time Node spends loading TensorFlow.js (measured 0.58 → 1.16
 * CPU-seconds per trial on the 2-core dev VM), and every trial is a fresh process. So the trainer
 * is bundled once with esbuild (tsx's own compiler), packages left external, into
 * `node_modules/.cache/ecopt/` where Node resolves those packages, and reused while its source
 * files are unchanged (their sizes and modification times are kept beside it). The bundle is
 * CommonJS: Node then loads TensorFlow.js's CommonJS files with `require`, skipping the export
 * scan it runs when ES modules import CommonJS (another 0.38 CPU-s per trial, measured). Where
 * the bundle cannot be written (a read-only install), the trainer runs through tsx as before:
 * slower, same result.
 */
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type BuildSync = (opts: Record<string, unknown>) => { outputFiles: { text: string }[]; metafile: { inputs: Record<string, unknown> } };

const require = createRequire(import.meta.url);

/** The bookkeeping shared with the CLI's own bundle (bin/bundle.cjs, plain JavaScript; loaded
 * when first needed: the app's electron-vite build has no bin/ beside it). */
interface BundleCache {
  stampFileFor(dir: string, name: string, entry: string): string;
  freshBundle(stampFile: string): string | null;
  saveBundle(build: { dir: string; name: string; outputs: Record<string, string>; main: string; inputs: string[]; stampFile: string }): string;
}
const bundleCache = (): BundleCache => require('../../../../bin/bundle.cjs') as BundleCache;

let cached: string | null | undefined;

/** The bundled trainer's path, building it if its sources changed; null when it cannot be built. */
export function bundledTrainer(): string | null {
  if (cached !== undefined) return cached;
  try {
    // node_modules/@tensorflow/tfjs → node_modules: external packages resolve from under it
    const modules = resolve(dirname(require.resolve('@tensorflow/tfjs/package.json')), '../..');
    cached = bundle(fileURLToPath(new URL('./trainer.ts', import.meta.url)), join(modules, '.cache', 'ecopt'));
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * Bundles `entry` into `dir` (as `<name>-<content hash>.cjs`), or returns the bundle built
 * before while none of its sources changed size or modification time. Throws when it cannot.
 */
export function bundle(entry: string, dir: string): string {
  const name = basename(entry).replace(/\.[cm]?ts$/, '');
  const cache = bundleCache();
  const stampFile = cache.stampFileFor(dir, name, entry);
  const fresh = cache.freshBundle(stampFile);
  if (fresh) return fresh;
  const { buildSync } = require('esbuild') as { buildSync: BuildSync };
  const root = process.cwd();
  const out = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // import.meta.url (paths.ts finds resources/ from it) keeps meaning "this file"
    define: { 'import.meta.url': '__ecoptFileUrl' },
    banner: { js: "const __ecoptFileUrl = require('node:url').pathToFileURL(__filename).href;" },
    target: 'node20',
    packages: 'external',
    write: false,
    metafile: true,
    sourcemap: 'inline',
    absWorkingDir: root,
    logLevel: 'silent',
  });
  const inputs = Object.keys(out.metafile.inputs).map((p) => resolve(root, p));
  return cache.saveBundle({ dir, name, outputs: { [`${name}.cjs`]: out.outputFiles[0]!.text }, main: `${name}.cjs`, inputs, stampFile });
}
