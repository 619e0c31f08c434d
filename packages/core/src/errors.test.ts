/**
 * Every error path: the right typed error, and a message naming the op, the rule broken,
 * the shapes or values involved and (where there is one) the fix. Messages are compared
 * whole, so a message that loses its shapes or its hint fails here.
 */
import { describe, expect, it } from 'vitest';
import {
  type Tensor, ArgumentError, GradError, ShapeError, TapegradError, Rng,
  add, arange, broadcastTo, checkGrads, concat, customOp, eye, full, grad, jvp, linspace, logSumExp, matmul, max, mean, mul,
  normal, pad, reshape, scalar, scatterAdd, slice, sum, sumTo, take, tensor, tensorView, transpose, uniform, vjp, zeros,
} from './index.js';
import { callWith } from './testing/untyped.js';

type ErrorClass = typeof ShapeError | typeof ArgumentError | typeof GradError;

function expectError(fn: () => unknown, cls: ErrorClass, message: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${cls.name}: ${message}`).toBeInstanceOf(cls);
  expect(caught).toBeInstanceOf(TapegradError);
  expect((caught as Error).message).toBe(message);
  expect((caught as Error).name).toBe(cls.name);
}

describe('matmul errors', () => {
  it('inner dimension mismatch names both shapes', () => {
    expectError(() => matmul(zeros([2, 3]), zeros([4, 5])), ShapeError,
      "matmul: inner dimensions must match, got a[2,3] and b[4,5] (3 vs 4); a's last dimension must equal b's first");
  });

  it('shows the caller\'s vector shape, not an internal reshape', () => {
    expectError(() => matmul(zeros([2, 3]), zeros([4])), ShapeError,
      "matmul: inner dimensions must match, got a[2,3] and b[4] (3 vs 4); a's last dimension must equal b's first");
  });

  it('marks transposed operands', () => {
    expectError(() => matmul(zeros([2, 3]), zeros([2, 3]), { transB: true, transA: true }), ShapeError,
      "matmul: inner dimensions must match, got a[2,3]ᵀ and b[2,3]ᵀ (2 vs 3); a's last dimension must equal b's first");
  });

  it('rejects rank 0 and rank 3 operands', () => {
    expectError(() => matmul(zeros([2, 3, 1]), zeros([4])), ShapeError, 'matmul: a must be a vector or a matrix, got a[2,3,1]; reshape it to rank 1 or 2');
    expectError(() => matmul(zeros([2]), zeros([])), ShapeError, 'matmul: b must be a vector or a matrix, got b[]; reshape it to rank 1 or 2');
  });
});

describe('broadcasting errors', () => {
  it('names the op, every shape and the offending axis', () => {
    expectError(() => add(zeros([2, 3]), zeros([4])), ShapeError,
      'add: shapes [2,3] and [4] cannot be broadcast together (axis -1 has sizes 3 and 4); each axis must match or be 1');
    expectError(() => mul(zeros([2, 3]), zeros([3, 3])), ShapeError,
      'mul: shapes [2,3] and [3,3] cannot be broadcast together (axis -2 has sizes 2 and 3); each axis must match or be 1');
  });

  it('broadcastTo a smaller rank or an incompatible shape', () => {
    expectError(() => broadcastTo(zeros([2, 3]), [3]), ShapeError,
      "broadcastTo: [2,3] cannot be broadcast to [3]; each axis of x must equal the target's or be 1");
    expectError(() => broadcastTo(zeros([3]), [4]), ShapeError,
      'broadcastTo: shapes [3] and [4] cannot be broadcast together (axis -1 has sizes 3 and 4); each axis must match or be 1');
  });
});

describe('sumTo errors', () => {
  it('a target that does not broadcast to the source, or has a larger rank', () => {
    expectError(() => sumTo(zeros([2, 3]), [4]), ShapeError, 'sumTo: cannot reduce [2,3] to [4]; the target must broadcast to the source');
    expectError(() => sumTo(zeros([3]), [2, 3]), ShapeError, 'sumTo: cannot reduce [3] to the larger rank [2,3]');
  });
});

describe('reshape errors', () => {
  const x = zeros([2, 3]);
  it('size mismatch names both shapes and element counts', () => {
    expectError(() => reshape(x, [4, 2]), ShapeError, 'reshape: cannot reshape [2,3] (6 elements) to [4,2] (8 elements); the sizes must match');
  });
  it('-1 that cannot be inferred, and more than one -1', () => {
    expectError(() => reshape(x, [4, -1]), ShapeError,
      "reshape: cannot infer -1 in [4,-1] for a tensor of shape [2,3] (6 elements); the other dimensions' product (4) must be non-zero and divide 6");
    expectError(() => reshape(x, [-1, -1]), ShapeError, 'reshape: at most one dimension may be -1, got [-1,-1]');
  });
  it('other negative dimensions', () => {
    expectError(() => reshape(x, [-2, -3]), ShapeError, 'reshape: dimension 0 of shape [-2,-3] must be a non-negative integer or -1 (inferred), got -2');
  });
});

describe('axis errors', () => {
  const x = zeros([2, 3]);
  it('out of range, with the valid range', () => {
    expectError(() => sum(x, 2), ShapeError, 'sum: axis 2 is out of range for a tensor of rank 2; use an integer in [-2, 1]');
    expectError(() => mean(x, -3), ShapeError, 'mean: axis -3 is out of range for a tensor of rank 2; use an integer in [-2, 1]');
    expectError(() => concat([zeros([2])], 1), ShapeError, 'concat: axis 1 is out of range for a tensor of rank 1; use an integer in [-1, 0]');
  });
  it('an axis of a scalar, which has none', () => {
    expectError(() => sum(scalar(1), 0), ShapeError, 'sum: axis 0 is out of range for a tensor of rank 0; a scalar has no axes, so pass none');
    expectError(() => concat([scalar(1), scalar(2)]), ShapeError, 'concat: scalars have no axis to join along; reshape them to [1] first');
  });

  it('duplicate axes, also when one is written negative', () => {
    expectError(() => sum(x, [0, -2]), ArgumentError, 'sum: axis -2 is listed twice in [0,-2]');
    expectError(() => logSumExp(x, [1, 1]), ArgumentError, 'logSumExp: axis 1 is listed twice in [1,1]');
  });
  it('max over an empty axis has no value', () => {
    expectError(() => max(zeros([0, 3]), 0), ShapeError, 'max: cannot reduce axis 0 of size 0 in [0,3]; the result would have no value');
  });
  it('transpose with a non-permutation', () => {
    expectError(() => transpose(x, [0, 0]), ShapeError, 'transpose: perm [0,0] is not a permutation of the 2 axes of [2,3]');
    expectError(() => transpose(x, [0]), ShapeError, 'transpose: perm [0] is not a permutation of the 2 axes of [2,3]');
  });
});

describe('tensor() and constructor errors', () => {
  it('ragged nesting', () => {
    expectError(() => tensor([[1, 2], [3]]), ShapeError,
      'tensor: ragged nested array: [1] has length 1 where the first row implies length 2; every row along an axis must have the same length');
    expectError(() => tensor([[1, 2], 3]), ShapeError,
      'tensor: ragged nested array: [1] has a number where the first row implies length 2; every row along an axis must have the same length');
    expectError(() => tensor([1, [2]]), ArgumentError, 'tensor: element at [1] must be a number, got an array (ragged nesting)');
  });

  it('data length vs shape', () => {
    expectError(() => tensor([1, 2, 3], [2, 2]), ShapeError, 'tensor: data has 3 values but shape [2,2] needs 4; pass a shape whose product is the data length');
    expectError(() => tensorView(new Float64Array(3), [2]), ShapeError, 'tensorView: data has 3 values but shape [2] needs 2');
  });

  it('NaN, negative and fractional dimensions', () => {
    expectError(() => tensor([1, 2, 3], [NaN]), ShapeError, 'tensor: dimension 0 of shape [NaN] must be a non-negative integer, got NaN');
    expectError(() => tensor([1, 2, 3], [-3]), ShapeError, 'tensor: dimension 0 of shape [-3] must be a non-negative integer, got -3');
    expectError(() => tensor([1, 2, 3], [1.5, 2]), ShapeError, 'tensor: dimension 0 of shape [1.5,2] must be a non-negative integer, got 1.5');
    expectError(() => zeros([2, NaN]), ShapeError, 'zeros: dimension 1 of shape [2,NaN] must be a non-negative integer, got NaN');
    expectError(() => full([-1], 3), ShapeError, 'full: dimension 0 of shape [-1] must be a non-negative integer, got -1');
    expectError(() => linspace(0, 1, NaN), ArgumentError, 'linspace: n must be an integer >= 0, got NaN');
    expectError(() => eye(2, 1.5), ArgumentError, 'eye: m must be an integer >= 0, got 1.5');
  });

  it('arange with a zero or non-finite step or bound', () => {
    expectError(() => arange(0, 5, 0), ArgumentError, 'arange: step must be non-zero, got 0 (for (0, 5)); use a positive step to count up or a negative one to count down');
    expectError(() => arange(NaN), ArgumentError, 'arange: stop must be a finite number, got NaN');
  });

  it('random constructors with bad options', () => {
    expectError(() => uniform([2], { seed: 1, low: 1, high: 0 }), ArgumentError, 'uniform: need low <= high, got low=1, high=0');
    expectError(() => normal([2], { seed: 1, std: -1 }), ArgumentError, 'normal: std must be >= 0, got -1');
    expectError(() => new Rng(NaN), ArgumentError, 'Rng: seed must be an integer in [0, 2^53), got NaN');
    expectError(() => new Rng(1).int(0), ArgumentError, 'Rng.int: n must be a positive integer, got 0');
  });

  it('item() of a tensor with more than one element', () => {
    expectError(() => zeros([2]).item(), ShapeError, 'item: tensor must have exactly one element, got shape [2]; index or reduce it first');
  });
});

describe('indexing errors', () => {
  const x = zeros([3, 2]);
  it('take: out-of-range, negative and fractional indices, scalar input', () => {
    expectError(() => take(x, [0, 3]), ArgumentError, 'take: index 3 at position 1 is out of range for an axis of size 3; indices must be integers in [0, 2]');
    expectError(() => take(x, [-1]), ArgumentError, 'take: index -1 at position 0 is out of range for an axis of size 3; indices must be integers in [0, 2]');
    expectError(() => take(x, [1.5]), ArgumentError, 'take: index 1.5 at position 0 is out of range for an axis of size 3; indices must be integers in [0, 2]');
    expectError(() => take(zeros([]), [0]), ShapeError, 'take: x must have at least one axis to index, got a scalar');
  });

  it('scatterAdd: index count and range', () => {
    expectError(() => scatterAdd(zeros([2]), [0], 3), ShapeError, 'scatterAdd: need one index per row of x, got 1 indices for x of shape [2]');
    expectError(() => scatterAdd(zeros([2]), [0, 3], 3), ArgumentError, 'scatterAdd: index 3 at position 1 is out of range for an axis of size 3; indices must be integers in [0, 2]');
  });

  it('slice: reversed, too long, fractional ranges and too many ranges', () => {
    expectError(() => slice(x, [[2, 1]]), ShapeError, 'slice: range [2, 1) is not a valid range of axis 0 (size 3) of [3,2]; need 0 <= start <= end <= 3');
    expectError(() => slice(x, [null, [0, 4]]), ShapeError, 'slice: range [0, 4) is not a valid range of axis 1 (size 2) of [3,2]; need 0 <= start <= end <= 2');
    expectError(() => slice(x, [[0.5, 1]]), ArgumentError, 'slice: range 0 [0.5, 1] has start 0.5; start, end and step must be integers');
    expectError(() => slice(x, [null, null, [0, 1]]), ShapeError, 'slice: got 3 ranges for a tensor of rank 2 [3,2]; give at most one range per axis');
  });

  it('pad and concat', () => {
    expectError(() => pad(zeros([2]), [[-1, 0]]), ArgumentError, 'pad: widths must be non-negative integers, got [-1, 0] for axis 0');
    expectError(() => concat([zeros([2, 3]), zeros([2, 4])]), ShapeError, 'concat: shapes [2,3], [2,4] must match on every axis but 0');
    expectError(() => concat([]), ArgumentError, 'concat: needs at least one tensor');
  });
});

describe('differentiation API errors', () => {
  it('grad of a non-scalar output says to reduce with sum()/mean() or use vjp', () => {
    expectError(() => grad((x: Tensor) => mul(x, 2))(tensor([1, 2, 3])), GradError,
      'grad: f must return a scalar, got shape [3]; reduce it with sum() or mean(), or use vjp() with a cotangent of that shape');
  });

  it('grad of a function that returns no tensor', () => {
    expectError(() => callWith(callWith(grad, () => 3), tensor([1])), GradError, 'grad: f must return a Tensor (or arrays/objects of Tensors), got number');
  });

  it('bad argnums: out of range, negative, empty, repeated', () => {
    const f = (x: Tensor, y: Tensor): Tensor => sum(mul(x, y));
    const one = tensor([1]);
    expectError(() => grad(f, 2)(one, one), GradError, 'grad: argnums 2 is out of range; f was called with 2 argument(s), so use 0..1');
    expectError(() => grad(f, -1)(one, one), GradError, 'grad: argnums -1 is out of range; f was called with 2 argument(s), so use 0..1');
    expectError(() => grad(f, [])(one, one), GradError, 'grad: argnums is empty; name at least one argument to differentiate');
    expectError(() => grad(f, [1, 1])(one, one), GradError, 'grad: argnums [1,1] repeats an argument');
  });

  it('a differentiated argument that is not a tensor tree', () => {
    const f = (p: { w: Tensor }): Tensor => sum(p.w);
    expectError(() => callWith(grad(f), { w: 3 }), ArgumentError,
      'grad: argument 0.w is the number 3, not a Tensor; differentiable arguments must be Tensors or arrays/objects of Tensors (wrap numbers with tensor())');
  });

  it('vjp: cotangent shape and count mismatch, no primals', () => {
    const [, pull] = vjp((x: Tensor) => mul(x, 2), tensor([1, 2, 3]));
    expectError(() => pull(tensor([1, 2])), GradError, 'vjp pullback: cotangent 0 has shape [2] but the output has shape [3]; pass a cotangent shaped like the output');
    const [, pull2] = vjp((x: Tensor) => [mul(x, 2)], tensor([1]));
    expectError(() => pull2([tensor([1]), tensor([1])]), GradError, 'vjp pullback: the cotangent has 2 tensor(s) but f returned 1; pass one per output, in the same structure');
    expectError(() => vjp(() => tensor([1])), GradError, 'vjp: pass at least one primal to differentiate with respect to');
  });

  it('jvp: tangent count', () => {
    expectError(() => callWith(jvp, (x: Tensor) => x, [tensor([1])], []), GradError, 'jvp: got 0 tangents for 1 primals; pass one per primal');
  });

  it('checkGrads: bad options, no arguments, non-scalar f', () => {
    expectError(() => checkGrads((x) => sum(x), [tensor([1])], { eps: 0 }), ArgumentError,
      'checkGrads: need 0 < eps < Infinity, rtol >= 0, atol >= 0, got eps=0, rtol=0.000001, atol=1e-8');
    expectError(() => checkGrads((x) => sum(x), []), ArgumentError, 'checkGrads: pass at least one argument');
    expectError(() => checkGrads((x) => mul(x, 2), [tensor([1, 2])]), GradError, 'checkGrads: f must return a scalar, got shape [2]; reduce it with sum() or mean()');
  });
});

describe('customOp errors', () => {
  it('missing VJP, repeated input names, empty name', () => {
    expectError(() => callWith(customOp, { name: 'cube', inputs: ['x'], forward: (x: Tensor) => x, vjp: {} }), ArgumentError,
      "customOp 'cube': no VJP for input 'x'; give a function, or null for no gradient");
    expectError(() => callWith(customOp, { name: 'cube', inputs: ['x'], forward: (x: Tensor) => x, vjp: { x: null, y: null } }), ArgumentError,
      "customOp 'cube': vjp has a rule for 'y', which is not an input (x); check the spelling");
    expectError(() => callWith(customOp, { name: 'cube', inputs: ['x'], forward: (x: Tensor) => x, vjp: { x: null }, saves: ['z'] }), ArgumentError,
      "customOp 'cube': saves 'z', which is not an input (x) or 'out'");
    expectError(() => callWith(customOp, { name: 'cube', inputs: ['out'], forward: (x: Tensor) => x, vjp: { out: null } }), ArgumentError,
      "customOp 'cube': 'out' names the output in saves and ctx.saved; call the input something else");
    expectError(() => callWith(customOp, { name: 'cube', inputs: ['__proto__'], forward: (x: Tensor) => x, vjp: { ['__proto__']: null } }), ArgumentError,
      "customOp 'cube': input names must be non-empty strings other than '__proto__', got '__proto__'");
    expectError(() => callWith(customOp, { name: 'cube', inputs: ['x'], forward: (x: Tensor) => x, vjp: { constructor: null } }), ArgumentError,
      "customOp 'cube': no VJP for input 'x'; give a function, or null for no gradient");
    expectError(() => customOp({ name: 'pair', inputs: ['x', 'x'], forward: (x: Tensor) => x, vjp: { x: null } }), ArgumentError,
      "customOp 'pair': input names [x, x] repeat");
    expectError(() => customOp({ name: '', inputs: ['x'], forward: (x: Tensor) => x, vjp: { x: null } }), ArgumentError,
      'customOp: name must be a non-empty string, got the string ""');
  });

  it('a VJP returning the wrong shape names the op, the input and both shapes', () => {
    const total = customOp({ name: 'total', inputs: ['x'], forward: (x: Tensor) => sum(x), vjp: { x: (g) => g } });
    expectError(() => grad((x: Tensor) => total(x))(tensor([1, 2])), ShapeError,
      "total: the VJP for input 'x' returned shape [] but the input has shape [2]; a VJP must return a cotangent shaped like its input (undo broadcasting with sumTo)");
  });

  it('a VJP returning something that is not a tensor', () => {
    const total = callWith(customOp, { name: 'total', inputs: ['x'], forward: (x: Tensor) => sum(x), vjp: { x: () => 3 } });
    expectError(() => callWith(callWith(grad, (x: Tensor) => callWith(total, x)), tensor([1, 2])), GradError,
      "total: the VJP for input 'x' returned number; a VJP must return a Tensor, or null for no gradient");
  });

  it('wrong call: input count, non-tensor input, forward returning a non-tensor', () => {
    const id = customOp({ name: 'id', inputs: ['x'], forward: (x: Tensor) => x, vjp: { x: (g) => g } });
    expectError(() => callWith(id, tensor([1]), tensor([1])), ArgumentError, 'id: expects 1 input(s) (x), got 2');
    expectError(() => callWith(id, 3), ArgumentError, "id: input 'x' must be a Tensor, got number");
    const broken = callWith(customOp, { name: 'broken', inputs: ['x'], forward: () => 3, vjp: { x: null } });
    expectError(() => callWith(broken, tensor([1])), ArgumentError, 'broken: forward must return a Tensor, got number');
  });

  it('ops called with a non-tensor say how to wrap it', () => {
    expectError(() => callWith(add, zeros([2]), 'a'), ArgumentError, "add: input 'b' must be a Tensor, got the string \"a\"; wrap numbers with tensor() or scalar()");
    expectError(() => callWith(tensor, 'abc'), ArgumentError, 'tensor: expected a number or nested arrays of numbers, got the string "abc"');
    expectError(() => callWith(tensor, [[1, 'a']]), ArgumentError, 'tensor: element at [0][1] must be a number, got the string "a"');
  });
});
