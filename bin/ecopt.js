#!/usr/bin/env node
// Runs the TypeScript CLI with no build step: from a bundle esbuild makes of the sources once per
// change of them (bin/bundle.cjs, in node_modules/.cache/ecopt/), or through tsx where that
// bundle cannot be made (a read-only install) or ECOPT_CLI_FROM_SOURCE is set.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

async function load() {
  if (!process.env.ECOPT_CLI_FROM_SOURCE) {
    try {
      return require(await require('./bundle.cjs').cliBundle(root));
    } catch (e) {
      if (process.env.ECOPT_DEBUG_BUNDLE) console.error(e);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('../src-main/cli/main.ts');
}

// `npx ecopt …` runs this under `npm exec`, which does not pass a SIGTERM sent to it on: killing
// the npx process left the command running, a server on its port, a study holding its lock. When
// the process that started it goes, the command stops as on Ctrl-C.
if (process.env.npm_lifecycle_event === 'npx' && /^'?ecopt\b/.test(process.env.npm_lifecycle_script ?? '')) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.stderr.write('ecopt: the npx process that started this command has ended: stopping, as on Ctrl-C\n');
    process.kill(process.pid, 'SIGTERM');
  }, 1000);
  watch.unref();
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
