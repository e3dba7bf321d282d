/**
 * Starts a worker thread from a module that may be TypeScript source (run through tsx, as the
 * CLI and tests do) or a bundled .js file (the packaged app).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function spawnWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (entry.pathname.endsWith('.ts')) {
    const api = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
    return new Worker(boot, { ...options, eval: true });
  }
  return new Worker(entry, options);
}
