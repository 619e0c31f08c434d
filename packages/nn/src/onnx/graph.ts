/**
 * A small builder for an ONNX graph: nodes in topological order (each added after its inputs),
 * scalar constants shared by value, and weight tensors, all as plain objects shaped like the
 * protobuf messages of onnx-subset.proto (camelCase field names, as protobufjs reads them).
 */
import { TapegradError } from '@tapegrad/core';

/** ONNX element types (TensorProto.DataType) that the export writes. */
export const ONNX_TYPE = { float32: 1, bool: 9, float64: 11 } as const;

/**
 * The tensor element type of an exported model.
 * @group Serialization
 */
export type OnnxDtype = 'float64' | 'float32';

/** An attribute of a node (AttributeProto): one float or one int. */
export type AttributeMessage =
  | { readonly name: string; readonly type: 1; readonly f: number }
  | { readonly name: string; readonly type: 2; readonly i: number };

/** NodeProto. */
export interface NodeMessage {
  readonly name: string;
  readonly opType: string;
  readonly input: readonly string[];
  output: string[];
  readonly attribute: readonly AttributeMessage[];
}

/** TensorProto holding float or double values (the subset's typed fields, not raw_data). */
export interface TensorMessage {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  readonly floatData?: readonly number[];
  readonly doubleData?: readonly number[];
}

/** A node's float attribute. */
export function floatAttr(name: string, f: number): AttributeMessage {
  return { name, type: 1, f };
}

/** A node's int attribute. */
export function intAttr(name: string, i: number): AttributeMessage {
  return { name, type: 2, i };
}

/**
 * Collects nodes and initializers. Every value name is unique in the graph; `op` returns the
 * name of the new node's output, so a graph reads as nested calls in evaluation order.
 */
export class GraphBuilder {
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  readonly dtype: OnnxDtype;
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();

  constructor(dtype: OnnxDtype, reserved: readonly string[]) {
    this.dtype = dtype;
    for (const r of reserved) this.used.add(r);
  }

  /** A name not used yet: `base`, else `base_2`, `base_3`, ... (a graph input may hold any of them). */
  fresh(base: string): string {
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** A weight tensor of the model's dtype (float32 rounds each value to nearest). */
  tensor(base: string, dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.fresh(base);
    const data = Array.from(values, (v) => (this.dtype === 'float32' ? Math.fround(v) : v));
    const t: TensorMessage =
      this.dtype === 'float32' ? { name, dims, dataType: ONNX_TYPE.float32, floatData: data } : { name, dims, dataType: ONNX_TYPE.float64, doubleData: data };
    this.initializers.push(t);
    return name;
  }

  /** A scalar constant (shape [], broadcast by every op that takes it), one initializer per value. */
  constant(value: number): string {
    // Object.is tells 0 from -0; String() would not.
    const key = Object.is(value, -0) ? '-0' : String(value);
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const name = this.tensor(`const_${key}`, [], [value]);
    this.constants.set(key, name);
    return name;
  }

  /** Appends `opType(inputs)` and returns its output's name, `<base>` made unique. */
  op(opType: string, base: string, inputs: readonly string[], attribute: readonly AttributeMessage[] = []): string {
    const out = this.fresh(base);
    this.nodes.push({ name: out, opType, input: inputs, output: [out], attribute });
    return out;
  }

  /**
   * Renames the graph's final value to `name` (the declared output): the node that produced
   * `value` now writes `name`. Nothing else reads `value`, since it is the last one computed.
   */
  nameOutput(value: string, name: string): void {
    const last = this.nodes[this.nodes.length - 1];
    if (last?.output[0] !== value) throw new TapegradError(`saveOnnx: internal error: '${value}' is not the last value computed; please report this`);
    last.output = [name];
  }
}
