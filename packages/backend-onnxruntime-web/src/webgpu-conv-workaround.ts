import {
  attribute,
  decodeModel,
  encodeModel,
  type NodeProto,
  node,
  OnnxDataType,
  type TensorProto,
  tensorProto,
} from '@mav/onnx-proto';

/**
 * onnxruntime-web 1.30's WebGPU Conv returns wrong values (errors of order 10) for some input channel counts
 * that are not multiples of 4 (measured on SwiftShader: 6, 9, 18 and 30 fail; 1–5, 7, 10, 14, 22 and every
 * multiple of 4 pass). Super-resolution UNets hit it: sample + low-res image is 6 channels.
 *
 * The workaround rewrites the model before the session is created: every 2-D Conv with group 1, a weight
 * stored inline and more than 4 input channels that are not a multiple of 4 gets its input zero-padded to
 * the next multiple of 4 (a Pad node) and its weight extended with zero input channels. The result is
 * mathematically identical. Returns undefined when the model needs no change.
 */
export function padConvInputChannels(modelBytes: Uint8Array): Uint8Array | undefined {
  const model = decodeModel(modelBytes);
  const graph = model.graph;
  const initializers = new Map(
    (graph.initializer ?? []).map((initializer) => [initializer.name ?? '', initializer]),
  );
  const patched: NodeProto[] = [];
  const added: TensorProto[] = [];
  let changed = false;
  for (const [index, convolution] of graph.node.entries()) {
    const replacement =
      convolution.opType === 'Conv' && (convolution.domain ?? '') === ''
        ? padConvolution(convolution, index, initializers)
        : undefined;
    if (!replacement) {
      patched.push(convolution);
      continue;
    }
    changed = true;
    patched.push(...replacement.nodes);
    added.push(...replacement.initializers);
  }
  if (!changed) return undefined;
  graph.node = patched;
  graph.initializer = [...(graph.initializer ?? []), ...added];
  return encodeModel(model);
}

function intAttribute(convolution: NodeProto, name: string, fallback: number): number {
  const found = convolution.attribute?.find((entry) => entry.name === name);
  return found?.i === undefined ? fallback : Number(found.i);
}

function padConvolution(
  convolution: NodeProto,
  index: number,
  initializers: ReadonlyMap<string, TensorProto>,
): { nodes: NodeProto[]; initializers: TensorProto[] } | undefined {
  const weight = initializers.get(convolution.input[1] ?? '');
  const dims = weight?.dims?.map(Number);
  if (!weight || !dims || dims.length !== 4 || intAttribute(convolution, 'group', 1) !== 1) return undefined;
  const [outChannels, inChannels, kernelHeight, kernelWidth] = dims as [number, number, number, number];
  if (inChannels <= 4 || inChannels % 4 === 0) return undefined;
  const bytesPerElement =
    weight.dataType === OnnxDataType.FLOAT ? 4 : weight.dataType === OnnxDataType.FLOAT16 ? 2 : 0;
  const raw = weight.rawData;
  if (
    bytesPerElement === 0 ||
    !raw ||
    raw.length !== outChannels * inChannels * kernelHeight * kernelWidth * bytesPerElement
  ) {
    return undefined;
  }
  const padded = Math.ceil(inChannels / 4) * 4;
  const block = inChannels * kernelHeight * kernelWidth * bytesPerElement;
  const paddedBlock = padded * kernelHeight * kernelWidth * bytesPerElement;
  const paddedWeight = new Uint8Array(outChannels * paddedBlock);
  // [out in kh kw] -> [out padded kh kw]: each output channel's block is followed by zero input channels.
  for (let out = 0; out < outChannels; out++) {
    paddedWeight.set(raw.subarray(out * block, (out + 1) * block), out * paddedBlock);
  }
  const prefix = `mav_webgpu_conv_pad_${index}`;
  const weightName = `${prefix}_weight`;
  const padsName = `${prefix}_pads`;
  const paddedInput = `${prefix}_input`;
  const extra = padded - inChannels;
  return {
    nodes: [
      node({
        opType: 'Pad',
        name: `${prefix}_pad`,
        inputs: [convolution.input[0]!, padsName],
        outputs: [paddedInput],
        attributes: [attribute.string('mode', 'constant')],
      }),
      { ...convolution, input: [paddedInput, weightName, ...convolution.input.slice(2)] },
    ],
    initializers: [
      {
        name: weightName,
        dataType: weight.dataType,
        dims: [outChannels, padded, kernelHeight, kernelWidth],
        rawData: paddedWeight,
      },
      // pads: [x1_begin … x4_begin, x1_end … x4_end] for [n c h w]: zeros after the channels only.
      tensorProto({
        name: padsName,
        elementType: 'int64',
        dims: [8],
        data: BigInt64Array.from([0n, 0n, 0n, 0n, 0n, BigInt(extra), 0n, 0n]),
      }),
    ],
  };
}
