/**
 * Picks the fastest TensorFlow.js backend installed: tfjs-node-gpu (CUDA), tfjs-node
 * (libtensorflow on the CPU), then WebAssembly with SIMD, then plain JavaScript. The first two
 * are optional dependencies that download libtensorflow at install and may be absent.
 */
import * as tf from '@tensorflow/tfjs';

export interface BackendChoice {
  /** `tensorflow-gpu`, `tensorflow`, `wasm` or `cpu`. */
  name: string;
  /** Why faster backends were skipped. */
  notes: string[];
}

const ORDER = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

async function tryBackend(name: (typeof ORDER)[number]): Promise<void> {
  switch (name) {
    case 'tensorflow-gpu':
      await import('@tensorflow/tfjs-node-gpu' as string);
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tfjs-node-gpu loaded but its backend did not start');
      return;
    case 'tensorflow':
      await import('@tensorflow/tfjs-node' as string);
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tfjs-node loaded but its backend did not start');
      return;
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
      return;
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not start');
      return;
  }
}

/** `ECOPT_BACKEND` forces one backend (e.g. `cpu` to compare), failing loudly if it cannot. */
export async function selectBackend(forced = process.env.ECOPT_BACKEND): Promise<BackendChoice> {
  const notes: string[] = [];
  const candidates = forced ? ORDER.filter((b) => b === forced) : ORDER;
  if (forced && candidates.length === 0) {
    throw new Error(`ECOPT_BACKEND=${forced} is not a backend; use one of ${ORDER.join(', ')}`);
  }
  for (const name of candidates) {
    try {
      await tryBackend(name);
      await tf.ready();
      return { name, notes };
    } catch (e) {
      const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      notes.push(`${name}: ${/Cannot find (module|package)/.test(msg) ? 'not installed' : msg}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${notes.join('; ')})`);
}
