/**
 * Gradient kernels the WebAssembly backend of TensorFlow.js lacks. Conv2DBackpropFilter (the
 * weight gradient of a 2-D convolution) is computed, for stride 1, with the backend's own
 * Conv3DBackpropFilterV2 on a depth-1 volume: x [N,H,W,C] → [N,1,H,W,C], dy likewise, filter
 * [KH,KW,CI,CO] → [1,KH,KW,CI,CO] — same arithmetic, native speed. For strides above 1 the
 * wasm Conv3DBackpropFilterV2 of tfjs 4.22 gives wrong results (seen in our tests), so those
 * run the cpu backend's kernel on copies of the data: correct, slower. The CNN family uses
 * stride-1 convolutions with pooling, so it always takes the fast path. Both are checked against
 * the cpu backend's kernel in the tests.
 */
import * as tf from '@tensorflow/tfjs';

interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

function reshape(backend: tf.KernelBackend, x: Info, shape: number[]): Info {
  const kernel = tf.getKernel('Reshape', tf.getBackend())!;
  return kernel.kernelFunc({ inputs: { x } as never, backend, attrs: { shape } }) as Info;
}

export function conv2dBackpropFilterViaConv3d(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): Info {
  const { x, dy } = args.inputs as unknown as { x: Info; dy: Info };
  const attrs = args.attrs as unknown as { strides: number | [number, number]; pad: unknown; dataFormat: string; filterShape: [number, number, number, number] };
  if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter on this backend supports NHWC only, got ${attrs.dataFormat}`);
  if (attrs.pad !== 'same' && attrs.pad !== 'valid') throw new Error(`Conv2DBackpropFilter on this backend supports 'same' and 'valid' padding, got ${JSON.stringify(attrs.pad)}`);
  const [sh, sw] = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
  const backend = args.backend;
  if (sh !== 1 || sw !== 1) return viaCpu(args, 'Conv2DBackpropFilter');
  const x5 = reshape(backend, x, [x.shape[0]!, 1, x.shape[1]!, x.shape[2]!, x.shape[3]!]);
  const dy5 = reshape(backend, dy, [dy.shape[0]!, 1, dy.shape[1]!, dy.shape[2]!, dy.shape[3]!]);
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', tf.getBackend())!;
  const [kh, kw, ci, co] = attrs.filterShape;
  const dw5 = conv3d.kernelFunc({
    inputs: { x: x5, dy: dy5 } as never,
    backend,
    attrs: { strides: [1, sh, sw], pad: attrs.pad, filterShape: [1, kh, kw, ci, co] },
  }) as Info;
  const dw = reshape(backend, dw5, attrs.filterShape);
  for (const t of [x5, dy5, dw5]) backend.disposeData(t.dataId);
  return dw;
}

interface WritableBackend {
  makeTensorInfo?(shape: number[], dtype: string, values: unknown): Info;
  makeOutput?(shape: number[], dtype: string): Info;
  typedArrayFromHeap?(info: Info): Float32Array;
}

/** A new tensor of this backend holding `values` (the cpu backend has makeTensorInfo, wasm writes its heap). */
function make(backend: tf.KernelBackend, shape: number[], dtype: string, values: Float32Array): Info {
  const b = backend as unknown as WritableBackend;
  if (b.makeTensorInfo) return b.makeTensorInfo(shape, dtype, values);
  const out = b.makeOutput!(shape, dtype);
  b.typedArrayFromHeap!(out).set(values);
  return out;
}

/** Runs the cpu backend's kernel on copies of the inputs and hands the result back. */
function viaCpu(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }, kernelName: string): Info {
  const cpu = tf.findBackend('cpu');
  const kernel = tf.getKernel(kernelName, 'cpu');
  if (!cpu || !kernel) throw new Error(`${kernelName} needs the cpu backend, which is not available`);
  const own = args.backend;
  const inputs = Object.fromEntries(
    Object.entries(args.inputs as unknown as Record<string, Info>).map(([k, t]) => [k, make(cpu, t.shape, t.dtype, own.readSync(t.dataId) as Float32Array)]),
  );
  const out = kernel.kernelFunc({ inputs: inputs as never, backend: cpu, ...(args.attrs ? { attrs: args.attrs } : {}) }) as Info;
  const result = make(own, out.shape, out.dtype, cpu.readSync(out.dataId) as Float32Array);
  for (const t of [...Object.values(inputs), out] as Info[]) cpu.disposeData(t.dataId);
  return result;
}

/** Registers the missing gradients for the active backend; a no-op where it has them. */
export function registerMissingKernels(): string[] {
  const backendName = tf.getBackend();
  const added: string[] = [];
  if (!tf.getKernel('Conv2DBackpropFilter', backendName) && tf.getKernel('Conv3DBackpropFilterV2', backendName)) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc: conv2dBackpropFilterViaConv3d as never });
    added.push('Conv2DBackpropFilter (via Conv3DBackpropFilterV2)');
  }
  return added;
}
