/**
 * What the built-in trainer prints, one JSON object a line: the line protocol every trial
 * speaks (phase lines, step lines), plus `{"ecopt": …}` lines any program may send to report
 * what a plain metrics line cannot (see trials/process-runner.ts).
 */
import type { StudySpec } from '../../../shared/spec';
import type { Metrics, Params } from '../../../shared/types';

export interface TrainerInput {
  spec: StudySpec;
  params: Params;
  trialNumber: number;
  /** The inference window's minimum length: the spec's, and at least ten meter polls. */
  minInferS: number;
  /** Where to keep the trained model (outside any window); absent: not kept. */
  artifactDir?: string;
  /** Instead of training: re-run the inference benchmark of this kept model. */
  remeasure?: { modelDir: string };
}

export type FromTrainer =
  | { phase: 'train' | 'infer' | 'evaluate' }
  | { step: number; epoch: number; epochs: number; loss: number; val_accuracy?: number; flops_per_inference: number; param_count: number }
  | { ecopt: 'backend'; backend: string; notes: string[] }
  | { ecopt: 'profile-start' }
  | { ecopt: 'pause' }
  | ({ ecopt: 'profile' } & import('../projection').StepProfile)
  | { ecopt: 'result'; metrics: Metrics & { infer_samples?: number }; attrs: Record<string, unknown> }
  | { ecopt: 'error'; kind: string; message: string; detail?: string };
