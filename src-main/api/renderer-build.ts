/**
 * `ecopt serve` needs the built renderer (out/renderer). Built on demand with Vite when missing
 * or older than the renderer's sources, so `npx ecopt serve` works right after `npm install`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../engine/paths';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function rendererDir(): string {
  return join(repoRoot(), 'out', 'renderer');
}

export async function ensureRendererBuilt(log: (m: string) => void = () => {}): Promise<string> {
  const out = rendererDir();
  const src = join(repoRoot(), 'src-renderer');
  const index = join(out, 'index.html');
  const stale = !existsSync(index) || (existsSync(src) && newest(src) > statSync(index).mtimeMs) || newest(join(repoRoot(), 'src-main', 'shared')) > statSync(index).mtimeMs;
  if (!stale) return out;
  log('Building the interface (first run, about 20 s)…');
  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  await build({
    root: src,
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir: out, emptyOutDir: true, chunkSizeWarningLimit: 6000 },
  });
  return out;
}
