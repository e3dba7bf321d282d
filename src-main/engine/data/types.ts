/** A dataset as the trainer sees it: dense features, integer class labels. */
export interface Dataset {
  name: string;
  kind: 'tabular' | 'image';
  task: 'classification' | 'regression';
  /** Shape of one sample, e.g. [4] or [14, 14, 1]. */
  inputShape: number[];
  featureNames: string[];
  classes: string[];
  /** n × prod(inputShape), row-major, not yet normalised. */
  x: Float32Array;
  /** Class index per row (classification). */
  y: Int32Array;
  /** Target value per row (regression). */
  yReal?: Float32Array;
  n: number;
}

export interface Part {
  x: Float32Array;
  y: Int32Array;
  /** Regression targets, standardised with the training part's mean and sd. */
  yReal?: Float32Array;
  n: number;
}

export interface Split {
  train: Part;
  validation: Part;
  test: Part;
  inputShape: number[];
  classes: string[];
  /** How features were normalised (fitted on train only). */
  normalisation: string;
  task: 'classification' | 'regression';
  /** Regression: the training target's mean and sd, to report errors in the target's units. */
  targetScale?: { mean: number; sd: number };
}

export interface DatasetSummary {
  name: string;
  kind: Dataset['kind'];
  task: Dataset['task'];
  rows: number;
  features: number;
  inputShape: number[];
  classes: { name: string; count: number }[];
  warnings: string[];
}
