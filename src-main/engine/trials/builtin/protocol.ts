/** Messages between the study process and the trainer worker. */
import type { StudySpec } from '../../../shared/spec';
import type { Metrics, Params, Phase } from '../../../shared/types';

export interface WorkerInput {
  spec: StudySpec;
  params: Params;
  trialNumber: number;
  /** The inference window's minimum length: the spec's, and at least ten meter polls. */
  minInferS: number;
}

export type FromWorker =
  | { type: 'backend'; backend: string; notes: string[] }
  | { type: 'phase-begin'; phase: Phase }
  | { type: 'phase-end'; phase: Phase; samples?: number }
  | { type: 'progress'; epoch: number; epochs: number; loss: number; valAccuracy: number | null; flopsPerInference: number }
  | { type: 'profile-start' }
  | { type: 'profile'; step: number; totalSteps: number; elapsedS: number; stepDurationsS: number[]; epochOverheadShare: number }
  | { type: 'result'; metrics: Metrics; attrs: Record<string, unknown> }
  | { type: 'error'; kind: string; message: string; detail?: string };

export type ToWorker = { type: 'go' };
