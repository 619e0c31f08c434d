/**
 * `saves` is load-bearing: a node keeps exactly what its op declares, a VJP reads only
 * that (the op-table property runs every VJP through the real tape, so an op whose VJP
 * read an undeclared value would fail there), and a missing rule is an error, not a zero.
 */
import { describe, expect, it } from 'vitest';
import { type Tensor, GradError, add, customOp, grad, matmul, mul, opTable, sum, tanh, tensor } from './index.js';
import { type KernelOp, type Recorded, apply, beginTrace, defineOp, endTrace, variable, withListener } from './tape.js';
import { callWith } from './testing/untyped.js';
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
    expect(Object.keys(byOp.get('add')!.node.saved)).toEqual([]);
    const t = byOp.get('tanh')!;
    expect(Object.keys(t.node.saved)).toEqual(['out']);
    expect(t.node.saved['out']).toBe(t.out);
    const m = byOp.get('matmul')!;
    expect(Object.keys(m.node.saved)).toEqual(['a', 'b']);
    expect(m.node.saved['a']).toBe(m.inputs[0]);
    expect(m.node.saved['b']).toBe(m.inputs[1]);
    for (const r of seen) expect(Object.keys(r.node.saved)).toEqual(r.node.op.saves);
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
  const spec = { name: 'broken', inputs: ['x'], saves: [], vjp: { y: null }, shape: ([s]: readonly (readonly number[])[]) => s!, forward: ([x]: readonly Tensor[]) => x!.data };

  it('is a GradError naming the op and the input when the op is defined, not a silent zero later', () => {
    expect(() => callWith(defineOp, { ...spec, vjp: {} })).toThrow(GradError);
    expect(() => callWith(defineOp, { ...spec, vjp: {} })).toThrow("broken: no VJP rule for input 'x'; give a function, or null to declare that it has no gradient");
    expect(() => callWith(defineOp, spec)).toThrow("broken: no VJP rule for input 'x'");
    expect(() => callWith(defineOp, { ...spec, vjp: { x: null, y: null } })).toThrow("broken: a VJP rule for 'y', which is not an input (x); check the spelling");
    expect(() => callWith(defineOp, { ...spec, vjp: { x: null }, saves: ['z'] })).toThrow("broken: saves 'z', which is not one of its inputs (x) or 'out'");
  });

  it('a rule named like an Object.prototype member is not found on the prototype', () => {
    expect(() => callWith(defineOp, { ...spec, name: 'proto', inputs: ['constructor'], vjp: {} })).toThrow("proto: no VJP rule for input 'constructor'");
  });

  it('an op that skipped the check still fails loudly in the backward walk', () => {
    // Typed with a free name type, as a JavaScript caller could build it without defineOp.
    const unchecked: KernelOp<Unary, undefined, string, never> = { ...spec, vjp: {} };
    expect(() => grad((x: Tensor) => sum(apply(unchecked, [x], undefined)))(tensor([1]))).toThrow(
      "broken: no VJP rule for input 'x'; give a function, or null to declare that it has no gradient",
    );
  });
});
