// Serialise a graph (nodes, inputs, outputs, initializers) to ONNX protobuf bytes.
// Only what the engine emits: float32 / int64 tensors, int / float / ints / floats attributes.
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** A float attribute (plain numbers are ints; ONNX distinguishes them). */
export interface FloatAttr {
  readonly float: number;
}
export type AttrValue = number | readonly number[] | FloatAttr;

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, AttrValue>>;
}

export type ElemType = "float32" | "int64";
/** A dimension is a number, or -1 for the dynamic batch dimension. */
export interface ValueInfo {
  readonly name: string;
  readonly type: ElemType;
  readonly shape: readonly number[];
}
export interface Initializer {
  readonly name: string;
  readonly shape: readonly number[];
  /** float32, int64, or bool (one byte per element, as a Uint8Array) */
  readonly data: Float32Array | BigInt64Array | Uint8Array;
}

export interface OnnxModel {
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly initializers: readonly Initializer[];
  readonly opset: number;
}

const TYPE = { float32: onnx.TensorProto.DataType.FLOAT, int64: onnx.TensorProto.DataType.INT64 };

function attribute(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === "number") return { name, type: A.INT, i: v };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v as number[] };
  return { name, type: A.FLOAT, f: (v as FloatAttr).float };
}

function valueInfo(v: ValueInfo): onnxProto.onnx.IValueInfoProto {
  const dim = v.shape.map((d) => (d < 0 ? { dimParam: "batch" } : { dimValue: d }));
  return { name: v.name, type: { tensorType: { elemType: TYPE[v.type], shape: { dim } } } };
}

function tensor(t: Initializer): onnxProto.onnx.ITensorProto {
  const D = onnx.TensorProto.DataType;
  const type = t.data instanceof Float32Array ? D.FLOAT : t.data instanceof BigInt64Array ? D.INT64 : D.BOOL;
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return {
    name: t.name,
    dims: [...t.shape],
    dataType: type,
    rawData: raw.slice(), // copy: little-endian hosts only (x86, arm)
  };
}

/** Encode a model as ONNX protobuf bytes. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const graph: onnxProto.onnx.IGraphProto = {
    name: "arrhythmia-vision",
    node: m.nodes.map((n, i) => ({
      name: `n${i}_${n.op}`,
      opType: n.op,
      input: [...n.inputs],
      output: [...n.outputs],
      attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
    })),
    input: m.inputs.map(valueInfo),
    output: m.outputs.map(valueInfo),
    initializer: m.initializers.map(tensor),
  };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "arrhythmia-vision",
    opsetImport: [{ domain: "", version: m.opset }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
