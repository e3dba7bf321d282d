/**
 * The meter thread: detects the meters, polls them on time whatever the study's event loop is
 * doing, and serves window requests synchronously. It never returns to its own event loop: it
 * sleeps in Atomics.wait between polls, so a request (an Atomics.notify) wakes it at once.
 *
 * Shared control words (Int32Array over a SharedArrayBuffer):
 *   [0] request sequence: the study thread bumps it after posting a request
 *   [1] reply sequence: this thread sets it to the request's number once the reply is posted
 *   [2] stop: 1 ends the loop
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { detectMeters, type DetectOptions } from './detect';
import { MeterSet } from './meter-set';
import { LocalMeters } from './window-meters';

export interface MeterThreadData {
  control: SharedArrayBuffer;
  requests: MessagePort;
  replies: MessagePort;
  samples: MessagePort;
  options: Omit<DetectOptions, 'clock' | 'onSample'>;
  /** Post each batch of power samples as it is taken (the app's live chart). */
  live: boolean;
}

export type MeterRequest =
  | { op: 'begin'; key: string }
  | { op: 'end'; key: string; phase: Parameters<LocalMeters['end']>[1] }
  | { op: 'peek'; key: string }
  | { op: 'peekOwn'; key: string }
  | { op: 'drain' }
  | { op: 'track'; pid: number | null };

const data = workerData as MeterThreadData;
const control = new Int32Array(data.control);
const { meters: found, report, estimatedOnly } = detectMeters(data.options);
const set = new MeterSet(found, {
  ...data.options,
  // live power goes out as it is taken; the study thread reads it when its loop is free
  ...(data.live ? { onSample: (batch: unknown) => data.samples.postMessage(batch) } : {}),
});
const local = new LocalMeters(set);
data.replies.postMessage({ ready: true, pollMs: set.pollMs, domains: set.domains, inventory: set.inventory(), report, estimatedOnly });
Atomics.store(control, 1, 0);
Atomics.notify(control, 1);

function serve(req: MeterRequest): unknown {
  switch (req.op) {
    case 'begin':
      local.begin(req.key);
      return null;
    case 'end':
      return local.end(req.key, req.phase);
    case 'peek':
      return local.peek(req.key);
    case 'peekOwn':
      return local.peekOwn(req.key);
    case 'drain':
      return local.drainSamples();
    case 'track':
      local.track(req.pid);
      return null;
  }
}

let served = 0;
let nextPollMs = performance.now();
// CPU of the tracked tree is refreshed a few times a second: enough to see a short-lived child
const cpuEveryMs = 250;
let nextCpuMs = performance.now();
for (;;) {
  if (Atomics.load(control, 2) === 1) break;
  // read before draining: a request posted after the drain changes it, so the wait returns at once
  const seenRequests = Atomics.load(control, 0);
  const now = performance.now();
  if (now >= nextPollMs) {
    set.poll();
    nextPollMs = Math.max(nextPollMs + set.pollMs, now + set.pollMs / 2);
  }
  if (now >= nextCpuMs) {
    local.sampleCpu();
    nextCpuMs = now + cpuEveryMs;
  }
  for (;;) {
    const msg = receiveMessageOnPort(data.requests);
    if (!msg) break;
    const { seq, req } = msg.message as { seq: number; req: MeterRequest };
    let reply: { ok: true; value: unknown } | { ok: false; error: string };
    try {
      reply = { ok: true, value: serve(req) };
    } catch (e) {
      reply = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    data.replies.postMessage({ seq, reply });
    served = seq;
    Atomics.store(control, 1, served);
    Atomics.notify(control, 1);
  }
  const waitMs = Math.max(0, Math.min(nextPollMs, nextCpuMs) - performance.now());
  Atomics.wait(control, 0, seenRequests, waitMs);
}
set.stop();
