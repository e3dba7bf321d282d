/**
 * One learning-curve point's readings, whoever wrote it: the built-in trainer stores
 * {epoch, loss, valAccuracy}; a command prints {step or epoch, accuracy or val_accuracy, loss or
 * metric}. The run (progress, pruning) and the trial view (its chart) read points through this.
 */
export function stepReading(point: Record<string, unknown>): { accuracy: number | null; loss: number | null } {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { accuracy: num(point.valAccuracy) ?? num(point.val_accuracy) ?? num(point.accuracy), loss: num(point.loss) ?? num(point.metric) };
}
