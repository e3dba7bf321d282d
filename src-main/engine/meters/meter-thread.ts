/**
 * The study thread's side of the meter thread (meter-thread-worker.ts): the same windows as a
 * MeterSet, but the counters are polled in a thread of their own, on time even while this
 * thread's event loop is blocked, and each reading is timestamped there. Requests are answered
 * synchronously (the caller blocks in Atomics.wait for at most a poll), so a window opens and
 * closes at the moment it is asked for.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { EnergyWindow, MeterInfo, Phase } from '../../shared/types';
import { spawnWorker } from '../worker-spawn';
import type { DetectOptions } from './detect';
import type { PowerSample } from './meter-set';
import type { MeterRequest, MeterThreadData } from './meter-thread-worker';
import type { WindowMeters } from './window-meters';

/** How long a request may wait for the meter thread before it is treated as hung, ms. */
const REPLY_TIMEOUT_MS = 10_000;

/** Set in the CLI's bundle of the sources (bin/bundle.cjs): its folder, which holds the thread's program. */
declare const __ecoptBundleDir: string | undefined;

function entry(): URL {
  if (typeof __ecoptBundleDir === 'string') return pathToFileURL(join(__ecoptBundleDir, 'meter-thread-worker.cjs'));
  // from source the worker is TypeScript; in the electron-vite bundle a sibling chunk
  return import.meta.url.endsWith('.ts') ? new URL('./meter-thread-worker.ts', import.meta.url) : new URL('./meter-thread.js', import.meta.url);
}

export interface MeterThreadOptions extends Omit<DetectOptions, 'clock' | 'onSample'> {
  onSample?: (samples: PowerSample[]) => void;
}

export class MeterThread implements WindowMeters {
  readonly pollMs: number;
  readonly domains: string[];
  readonly report: MeterInfo[];
  readonly estimatedOnly: boolean;
  private readonly control = new Int32Array(new SharedArrayBuffer(12));
  private readonly requests: MessagePort;
  private readonly replies: MessagePort;
  private readonly samplePort: MessagePort;
  private readonly worker: Worker;
  private readonly inventoryList: MeterInfo[];
  private seq = 0;
  private stopped = false;

  constructor(options: MeterThreadOptions = {}) {
    const { onSample, ...detect } = options;
    const req = new MessageChannel();
    const rep = new MessageChannel();
    const smp = new MessageChannel();
    this.requests = req.port1;
    this.replies = rep.port2;
    this.samplePort = smp.port2;
    Atomics.store(this.control, 1, -1);
    const data: MeterThreadData = {
      control: this.control.buffer as SharedArrayBuffer,
      requests: req.port2,
      replies: rep.port1,
      samples: smp.port1,
      options: detect,
      live: onSample !== undefined,
    };
    this.worker = spawnWorker(entry(), { workerData: data, transferList: [req.port2, rep.port1, smp.port1] });
    this.worker.unref();
    if (onSample) {
      this.samplePort.on('message', (batch: PowerSample[]) => onSample(batch));
      this.samplePort.unref();
    }
    const ready = this.await(0) as { pollMs: number; domains: string[]; inventory: MeterInfo[]; report: MeterInfo[]; estimatedOnly: boolean };
    this.pollMs = ready.pollMs;
    this.domains = ready.domains;
    this.inventoryList = ready.inventory;
    this.report = ready.report;
    this.estimatedOnly = ready.estimatedOnly;
  }

  /** Blocks until the meter thread has answered request `seq` (0: the ready message). */
  private await(seq: number): unknown {
    const deadline = performance.now() + REPLY_TIMEOUT_MS;
    for (;;) {
      const msg = receiveMessageOnPort(this.replies);
      if (msg) {
        const m = msg.message as { ready?: true; seq?: number; reply?: { ok: true; value: unknown } | { ok: false; error: string } };
        if (seq === 0 && m.ready) return m;
        if (m.seq === seq && m.reply) {
          if (!m.reply.ok) throw new Error(`meter thread: ${m.reply.error}`);
          return m.reply.value;
        }
        continue; // a stale reply to a request that timed out
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error('the meter thread did not answer within 10 s (a counter read is hanging?)');
      Atomics.wait(this.control, 1, Atomics.load(this.control, 1), Math.min(left, 50));
    }
  }

  private call(req: MeterRequest): unknown {
    if (this.stopped) throw new Error('the meters were stopped');
    const seq = ++this.seq;
    this.requests.postMessage({ seq, req });
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    return this.await(seq);
  }

  inventory(): MeterInfo[] {
    return this.inventoryList;
  }

  /** The thread polls from the moment it starts; kept for the MeterSet-shaped interface. */
  start(): void {}

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.control, 2, 1);
    Atomics.notify(this.control, 0);
    this.samplePort.close();
    this.requests.close();
    // the thread closes its meters and exits on its own; terminate only if it does not
    const t = setTimeout(() => void this.worker.terminate(), 2000);
    t.unref();
    this.worker.once('exit', () => clearTimeout(t));
  }

  begin(key: string): void {
    this.call({ op: 'begin', key });
  }

  end(key: string, phase: Phase): EnergyWindow {
    return this.call({ op: 'end', key, phase }) as EnergyWindow;
  }

  peekOwn(key: string): number | null {
    return this.call({ op: 'peekOwn', key }) as number | null;
  }

  peek(key: string): number {
    return this.call({ op: 'peek', key }) as number;
  }

  drainSamples(): PowerSample[] {
    return this.call({ op: 'drain' }) as PowerSample[];
  }

  track(pid: number | null): void {
    this.call({ op: 'track', pid });
  }
}
