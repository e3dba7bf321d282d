/**
 * A built-in model's size and cost without building it: trainable parameters and FLOPs per
 * inference (2 × the layers' multiply-adds), counted the way engine/trials/builtin/model.ts
 * counts them for a built model (a unit test keeps the two in step). The energy predictor needs
 * them for trials that have not run yet (`ecopt tune --plan`, the wizard's forecast).
 */
import { MODEL_FAMILIES, type ModelFamily } from './models';
import type { Params } from './types';

export interface ModelCost {
  paramCount: number;
  flopsPerInference: number;
  epochs: number;
  batchSize: number;
}

/** `classes` output classes; 0 is a regressor (one linear output). */
export function modelCost(family: ModelFamily, rawParams: Params, inputShape: readonly number[], classes: number): ModelCost {
  const defaults = Object.fromEntries(Object.entries(MODEL_FAMILIES[family].params).map(([k, v]) => [k, v.default]));
  const p: Params = { ...defaults, ...rawParams };
  const outputs = classes > 0 ? classes : 1;
  let params = 0;
  let macs = 0;
  const dense = (inputs: number, units: number) => {
    params += inputs * units + units;
    macs += inputs * units;
  };
  if (family === 'cnn') {
    const blocks = Math.round(Number(p.conv_layers));
    const filters = Math.round(Number(p.filters));
    const k = Math.round(Number(p.kernel_size));
    const pooled = String(p.pooling) !== 'none';
    let [h, w, c] = inputShape as [number, number, number];
    for (let b = 0; b < blocks; b++) {
      const out = filters * 2 ** b;
      params += k * k * c * out + out;
      macs += h * w * k * k * c * out;
      c = out;
      if (pooled && h >= 2 && w >= 2) {
        h = Math.floor(h / 2);
        w = Math.floor(w / 2);
      }
    }
    const units = Math.round(Number(p.dense_units));
    dense(h * w * c, units);
    dense(units, outputs);
  } else {
    let width = inputShape.reduce((a, b) => a * b, 1);
    const units = Math.round(Number(p.units));
    for (let i = 0; i < Math.round(Number(p.hidden_layers)); i++) {
      dense(width, units);
      width = units;
    }
    dense(width, outputs);
  }
  return { paramCount: params, flopsPerInference: 2 * macs, epochs: Math.round(Number(p.epochs)), batchSize: Math.round(Number(p.batch_size)) };
}
