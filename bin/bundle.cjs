'use strict';
/**
 * Bundles of the TypeScript sources, for running them from a source checkout (`npx ecopt`, the
 * tests) without tsx's loader hooks: through the hooks every start paid ~0.7 CPU-seconds to load
 * the CLI and another ~0.35 s for the meter thread (measured on the 2-core dev VM), once per
 * `ecopt` command and once per `ecopt worker`.
 *
 * esbuild (tsx's own compiler) bundles an entry with its packages left external into
 * `node_modules/.cache/ecopt/`, where Node resolves those packages; the bundle is reused while
 * none of its source files changed size or modification time (kept in a stamp file beside it,
 * one per source checkout: two checkouts sharing node_modules would otherwise rebuild each
 * other's). Bundles are CommonJS: Node then loads CommonJS packages with `require`, skipping the
 * export scan it runs when ES modules import CommonJS, and a module imported lazily stays lazy.
 *
 * Plain JavaScript because bin/ecopt.js uses it before anything can compile TypeScript; the
 * trainer's bundle (src-main/engine/trials/builtin/trainer-bundle.ts) shares its bookkeeping.
 */
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { basename, join, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');

/** How long an outdated build is kept: a process may be starting it right now. */
const KEEP_OLD_MS = 600_000;

const sha = (text) => createHash('sha256').update(text).digest('hex');

function fileStamp(path) {
  try {
    const s = statSync(path);
    return [s.size, s.mtimeMs];
  } catch {
    return null;
  }
}

/** The stamp file of bundle `name` built from `entry` (one per source checkout). */
function stampFileFor(dir, name, entry) {
  return join(dir, `${name}-${sha(resolve(entry)).slice(0, 8)}.stamp.json`);
}

/** The bundle `stampFile` records, if none of its sources changed since; else null. */
function freshBundle(stampFile) {
  let prev;
  try {
    prev = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return null;
  }
  for (const [p, [size, mtime]] of Object.entries(prev.inputs)) {
    const now = fileStamp(p);
    if (now === null || now[0] !== size || now[1] !== mtime) return null;
  }
  return existsSync(prev.file) ? prev.file : null;
}

/**
 * Writes a build and its stamp. `outputs` maps file names to texts; one output becomes
 * `<name>-<content hash>.<ext>`, several a folder `<name>-<content hash>/` holding them. Written
 * under a temporary name and renamed, so that processes building at once never see half a
 * bundle. Returns the path of `main` (an output's name) in the build.
 */
function saveBundle({ dir, name, outputs, main, inputs, stampFile }) {
  const names = Object.keys(outputs);
  const hash = sha(names.map((n) => `${n}\0${outputs[n]}`).join('\0')).slice(0, 16);
  mkdirSync(dir, { recursive: true });
  const single = names.length === 1;
  const target = single ? join(dir, `${name}-${hash}${main.slice(main.lastIndexOf('.'))}`) : join(dir, `${name}-${hash}`);
  const tmp = `${target}.${process.pid}.tmp`;
  if (!existsSync(target)) {
    if (single) writeFileSync(tmp, outputs[main]);
    else {
      mkdirSync(tmp, { recursive: true });
      for (const n of names) writeFileSync(join(tmp, n), outputs[n]);
    }
    try {
      renameSync(tmp, target);
    } catch (e) {
      // another process renamed its identical build first (a folder cannot replace a folder)
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(target)) throw e;
    }
    for (const f of readdirSync(dir)) {
      const old = join(dir, f);
      if (f.startsWith(`${name}-`) && !f.endsWith('.json') && !f.endsWith('.tmp') && old !== target && Date.now() - statSync(old).mtimeMs > KEEP_OLD_MS) {
        rmSync(old, { recursive: true, force: true });
      }
    }
  }
  const stamps = {};
  for (const p of inputs) {
    const s = fileStamp(p);
    if (s) stamps[p] = s;
  }
  const file = single ? target : join(target, main);
  writeFileSync(`${stampFile}.${process.pid}.tmp`, JSON.stringify({ file, inputs: stamps }));
  renameSync(`${stampFile}.${process.pid}.tmp`, stampFile);
  return file;
}

/**
 * An esbuild plugin that gives every source file its own `import.meta.url` (its path in the
 * checkout, so files found beside it still are) and `import.meta.resolve` (resolved from the
 * bundle, whose node_modules are the checkout's).
 */
function sourceMetaPlugin(sourceRoot) {
  const filter = new RegExp(`^${sourceRoot.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[\\\\/].*\\.ts$`);
  return {
    name: 'ecopt-source-meta',
    setup(build) {
      build.onLoad({ filter }, (args) => {
        const text = readFileSync(args.path, 'utf8')
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.resolve(', '__ecoptResolve(');
        return { contents: text, loader: 'ts' };
      });
    },
  };
}

/**
 * The CLI's bundle (src-main/cli/main.ts, with the meter thread's program beside it as
 * meter-thread-worker.cjs), built when its sources changed. Returns its main file; throws when it
 * cannot be built or written (bin/ecopt.js then runs the sources through tsx).
 */
async function cliBundle(root, cacheDir = join(root, 'node_modules', '.cache', 'ecopt')) {
  const entry = join(root, 'src-main', 'cli', 'main.ts');
  const stampFile = stampFileFor(cacheDir, 'cli', entry);
  const fresh = freshBundle(stampFile);
  if (fresh) return fresh;
  const { build } = require('esbuild');
  const result = await build({
    entryPoints: { main: entry, 'meter-thread-worker': join(root, 'src-main', 'engine', 'meters', 'meter-thread-worker.ts') },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    // as deep as the build's own folder, so that the source map's relative paths hold there
    outdir: join(cacheDir, 'cli-build'),
    outExtension: { '.js': '.cjs' },
    write: false,
    metafile: true,
    sourcemap: 'linked',
    absWorkingDir: root,
    logLevel: 'silent',
    plugins: [sourceMetaPlugin(join(root, 'src-main'))],
    banner: {
      js: [
        "const __ecoptResolve = (s) => require('node:url').pathToFileURL(require.resolve(s)).href;",
        // the folder of this build: the meter thread's program is beside the CLI
        'const __ecoptBundleDir = __dirname;',
      ].join('\n'),
    },
  });
  const outputs = {};
  for (const f of result.outputFiles) outputs[basename(f.path)] = f.text;
  const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(root, p));
  return saveBundle({ dir: cacheDir, name: 'cli', outputs, main: 'main.cjs', inputs, stampFile });
}

module.exports = { stampFileFor, freshBundle, saveBundle, cliBundle };
