/**
 * `saves` is load-bearing: a node keeps exactly what its op declares, a VJP reads only
 * that (the op-table property runs every VJP through the real tape, so an op whose VJP
 * read an undeclared value would fail there), and a missing rule is an error, not a zero.
 */
import { describe, expect, it } from 'vitest';
import { type Tensor, GradError, add, customOp, grad, matmul, mul, opTable, sum, tanh, tensor } from './index.js';
import { type KernelOp, type Recorded, apply, beginTrace, endTrace, variable, withListener } from './tape.js';
import { type Unary } from './ops/define.js';

function record(f: () => Tensor): Recorded[] {
  const seen: Recorded[] = [];
  const trace = beginTrace();
  try {
    withListener((r) => seen.push(r), f);
  } finally {
    endTrace(trace);
  }
  return seen;
}

describe('saves', () => {
  it('every op in the table saves only its own input names or out', () => {
    for (const op of Object.values(opTable)) {
      const inputs: readonly string[] = op.inputs;
      for (const s of op.saves as readonly string[]) expect(s === 'out' || (!op.variadic && inputs.includes(s)), `${op.name} saves '${s}'`).toBe(true);
    }
  });

  it('a node holds the declared values and nothing else', () => {
    const x = tensor([[1, 2]]);
    const w = tensor([[0.5, -1], [2, 0]]);
    const b = tensor([0.1, 0.2]);
    const seen = record(() => sum(tanh(add(matmul(variable(x), variable(w), { transB: true }), b))));
    const byOp = new Map(seen.map((r) => [r.node.op.name, r]));
    // add saves nothing: matmul's output is not held by the tape once tanh has read it.
    expect(byOp.get('add')!.node.saved).toEqual([]);
    const t = byOp.get('tanh')!;
    expect(t.node.saved).toHaveLength(1);
    expect(t.node.saved[0]).toBe(t.out);
    const m = byOp.get('matmul')!;
    expect(m.node.saved).toHaveLength(2);
    expect(m.node.saved[0]).toBe(m.inputs[0]);
    expect(m.node.saved[1]).toBe(m.inputs[1]);
    for (const r of seen) expect(r.node.saved.length).toBe(r.node.op.saves.length);
    expect(seen.map((r) => r.node.shapes)).toContainEqual([[1, 2], [2]]);
  });

  it('a custom VJP that reads a value it did not save finds nothing there', () => {
    const forgetful = customOp({
      name: 'forgetful',
      inputs: ['x'],
      saves: [],
      forward: (x: Tensor) => mul(x, x),
      vjp: { x: (g, ctx) => (Object.keys(ctx.saved).length === 0 ? mul(g, 0) : g) },
    });
    expect(grad((x: Tensor) => sum(forgetful(x)))(tensor([3])).toArray()).toEqual([0]);
  });
});

describe('a missing VJP rule', () => {
  // Typed with a free name type, as a JavaScript caller could build it: the compiler would
  // reject this for an op typed by its names.
  const broken: KernelOp<Unary, undefined, string, never> = {
    name: 'broken',
    inputs: ['x'],
    saves: [],
    vjp: { y: null },
    shape: ([s]) => s!,
    forward: ([x]) => x.data,
  };

  it('is a GradError naming the op and the input, not a silent zero', () => {
    expect(() => grad((x: Tensor) => sum(apply(broken, [x], undefined)))(tensor([1]))).toThrow(GradError);
    expect(() => grad((x: Tensor) => sum(apply(broken, [x], undefined)))(tensor([1]))).toThrow(
      "broken: no VJP rule for input 'x'; give a function, or null to declare that it has no gradient",
    );
  });

  it('a rule named like an Object.prototype member is not found on the prototype', () => {
    const proto: KernelOp<Unary, undefined, string, never> = { ...broken, name: 'proto', inputs: ['constructor'], vjp: {} };
    expect(() => grad((x: Tensor) => sum(apply(proto, [x], undefined)))(tensor([1]))).toThrow("proto: no VJP rule for input 'constructor'");
  });
});
