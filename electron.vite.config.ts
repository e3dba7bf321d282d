import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

// Main process and engine bundle into out/main (the trainer program and the meter thread are
// entries of their own, found beside the engine as ./trainer.js and ./meter-thread.js); the preload is CommonJS because sandboxed
// preloads cannot be ES modules; the renderer is a plain React page.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/app/main.ts'),
          'engine-host': resolve(__dirname, 'src-main/app/engine-host.ts'),
          trainer: resolve(__dirname, 'src-main/engine/trials/builtin/trainer.ts'),
          'meter-thread': resolve(__dirname, 'src-main/engine/meters/meter-thread-worker.ts'),
        },
        // optional backends: absent here, loaded at run time where a user's install has them
        external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/app/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
