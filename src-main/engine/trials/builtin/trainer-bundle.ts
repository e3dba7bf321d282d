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
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Stamp {
  file: string;
  inputs: Record<string, [number, number]>;
}

type BuildSync = (opts: Record<string, unknown>) => { outputFiles: { text: string }[]; metafile: { inputs: Record<string, unknown> } };

function stamp(path: string): [number, number] | null {
  try {
    const s = statSync(path);
    return [s.size, s.mtimeMs];
  } catch {
    return null;
  }
}

const require = createRequire(import.meta.url);

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
  // one stamp per source checkout: two checkouts sharing node_modules (git worktrees, a
  // benchmark's baseline) would otherwise rebuild each other's bundle on every trial
  const stampFile = join(dir, `${name}-${createHash('sha256').update(resolve(entry)).digest('hex').slice(0, 8)}.stamp.json`);
  if (existsSync(stampFile)) {
    const prev = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
    const same = Object.entries(prev.inputs).every(([p, [size, mtime]]) => {
      const now = stamp(p);
      return now !== null && now[0] === size && now[1] === mtime;
    });
    if (same && existsSync(prev.file)) return prev.file;
  }
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
  const text = out.outputFiles[0]!.text;
  const file = join(dir, `${name}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.cjs`);
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  if (!existsSync(file)) {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    // earlier builds of the same program, left by edits to its sources (kept a while for a
    // process that may be starting one right now)
    for (const f of readdirSync(dir)) {
      const old = join(dir, f);
      if (f.startsWith(`${name}-`) && f.endsWith('.cjs') && old !== file && Date.now() - statSync(old).mtimeMs > 600_000) rmSync(old, { force: true });
    }
  }
  const inputs: Stamp['inputs'] = {};
  for (const p of Object.keys(out.metafile.inputs)) {
    const abs = resolve(root, p);
    const s = stamp(abs);
    if (s) inputs[abs] = s;
  }
  writeFileSync(`${stampFile}.${process.pid}.tmp`, JSON.stringify({ file, inputs } satisfies Stamp));
  renameSync(`${stampFile}.${process.pid}.tmp`, stampFile);
  return file;
}
