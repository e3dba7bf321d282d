/**
 * How one source column becomes features, as fitted on the data: what a kept model needs to
 * turn new rows into its inputs (`ecopt predict`).
 */
export type ColumnEncoding =
  | { column: string; kind: 'numeric'; /** value used for a missing cell */ fill: number }
  | { column: string; kind: 'categorical'; categories: string[]; /** value used for a missing cell */ fill: string };

/** Everything between a raw input and the model's features, apart from the split's scaling. */
export type InputEncoding =
  /** `ignored`: columns of the file the model does not take (identifiers), which new rows may hold. */
  | { kind: 'tabular'; columns: ColumnEncoding[]; target: string | null; ignored?: string[] }
  | { kind: 'image'; size: number; channels: number };

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
  /** How raw inputs become `x` (absent for data sets that cannot be re-read, e.g. in tests). */
  encoding?: InputEncoding;
  /** CSV: the file and, per row, the line it starts on (to hand back held-out rows). */
  source?: { file: string; lines: number[] };
  /** A folder of images: the folder and, per sample, its file relative to it (to hand back held-out images). */
  imageSource?: { folder: string; files: string[] };
  /**
   * CSV: 1 where a cell was empty, per row and encoded column (`encoding.columns` order). The
   * split fills these from its training part alone (the held-out rows' values must not shape
   * what the model learns from), whatever `x` holds there before.
   */
  missing?: Uint8Array;
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
  /** Which rows of the data set (indices) went into the test part, in its order. */
  testRows: number[];
  /** Tabular: the per-feature mean and sd fitted on the training part (z-score). */
  featureScale?: { mean: number[]; sd: number[] };
  /** The data set's encoding with each column's fill for an empty cell fitted on the training part (what a kept model applies). */
  encoding?: InputEncoding;
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
