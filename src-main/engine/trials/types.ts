/** The interface between the study loop and whatever runs a trial. */
import type { StudySpec } from '../../shared/spec';
import type { Params, Phase } from '../../shared/types';
import type { WindowMeters } from '../meters/window-meters';
import type { TrialResult } from '../store/store';
import type { Checkpoint } from './pruning';
import type { ProjectionCalibration } from './projection';

export interface TrialInput {
  trialNumber: number;
  params: Params;
  spec: StudySpec;
  /** Where the trial keeps its trained model (built-in trainer; a command's `artifact` is copied there). */
  artifactDir?: string;
  /** Re-measure the inference of this kept model instead of training (built-in trainer). */
  remeasureModelDir?: string;
  /** Asked at each checkpoint; a reason stops the trial as `pruned`. */
  shouldPrune?: (c: Checkpoint) => string | null;
  /** How the study's finished trials' projections turned out (trials/projection.ts), applied to this one's. */
  projectionCalibration?: ProjectionCalibration | null;
}

export type TrialEvent =
  | { type: 'phase'; phase: Phase }
  | { type: 'progress'; epoch: number; epochs: number; loss: number; valAccuracy: number | null }
  | { type: 'backend'; backend: string; notes: string[] }
  /** The short-profile projection of the whole training, made once while it trains. */
  | { type: 'projection'; energyJ: number; intervalRel: number; remainingS: number };

export type TrialOutcome =
  | { ok: true; result: TrialResult }
  | {
      ok: false;
      /** `exception`, `nan`, `timeout`, `crash`, `interrupted`, `pruned`. */
      kind: string;
      message: string;
      detail?: string;
      /** Whatever was measured before the failure. */
      partial: Partial<TrialResult>;
    };

export interface TrialRunner {
  run(input: TrialInput, meters: WindowMeters, signal: AbortSignal, onEvent: (e: TrialEvent) => void): Promise<TrialOutcome>;
}
