import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor, arange, eye, fmtNumber, full, isTensor, linspace, ones, scalar, tensor, tensorView, zeros } from './index.js';

describe('tensor()', () => {
  it('infers the shape from nesting, row-major', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.data).toBeInstanceOf(Float64Array);
  });

  it('takes a flat array or Float64Array plus a shape, copying the data', () => {
    const src = Float64Array.of(1, 2, 3, 4);
    const t = tensor(src, [2, 2]);
    src[0] = 99;
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(tensor([1, 2, 3, 4, 5, 6], [3, 1, 2]).toArray()).toEqual([[[1, 2]], [[3, 4]], [[5, 6]]]);
    expect(tensor(Float64Array.of(7, 8)).shape).toEqual([2]);
  });

  it('a number makes a scalar; empty arrays and zero-size shapes are allowed', () => {
    expect(tensor(3).shape).toEqual([]);
    expect(tensor(3).item()).toBe(3);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([], [2, 0]).size).toBe(0);
    expect(tensor([], [2, 0]).toArray()).toEqual([[], []]);
  });

  it('round-trips: tensor(x.toArray()) rebuilds x, and flat data plus shape nests row-major', () => {
    const arb = fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }).chain((shape) =>
      fc
        .array(fc.double({ noNaN: true }), { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) })
        .map((flat) => ({ shape, flat })),
    );
    fc.assert(
      fc.property(arb, ({ shape, flat }) => {
        const t = tensor(flat, shape);
        const again = tensor(t.toArray());
        expect(again.shape).toEqual(shape);
        expect(Array.from(again.data)).toEqual(flat);
        expect(t.toFlatArray()).toEqual(flat);
        expect(t.toString().startsWith(`Tensor[${shape.join(',')}] `)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps float64 precision (no float32 rounding)', () => {
    expect(tensor([0.1]).data[0]).toBe(0.1);
    expect(tensor([1 + 2 ** -52]).data[0]).toBe(1 + 2 ** -52);
  });

  it('tensorView shares the buffer without copying', () => {
    const buf = new Float64Array(4);
    const v = tensorView(buf, [2, 2]);
    buf[3] = 5;
    expect(v.toArray()).toEqual([[0, 0], [0, 5]]);
    expect(isTensor(v)).toBe(true);
    expect(isTensor({ data: buf, shape: [4] })).toBe(false);
  });
});

describe('constructors', () => {
  it('zeros, ones, full, scalar', () => {
    expect(zeros([2, 3]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ones([2]).toArray()).toEqual([1, 1]);
    expect(full([1, 2], -2.5).toArray()).toEqual([[-2.5, -2.5]]);
    expect(zeros([]).shape).toEqual([]);
    expect(scalar(4).toArray()).toBe(4);
  });

  it('eye: square and rectangular identities', () => {
    expect(eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(eye(3, 2).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
  });

  it('arange: stop only, start/stop, fractional and negative steps, empty ranges', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, 3).shape).toEqual([0]);
    expect(arange(5, 0).shape).toEqual([0]);
  });

  it('linspace: n points including both ends; the last is exactly stop', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, -2, 3).toArray()).toEqual([2, 0, -2]);
    expect(linspace(3, 7, 1).toArray()).toEqual([3]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    const l = linspace(0, 0.3, 7);
    expect(l.data[6]).toBe(0.3);
  });
});

describe('reading tensors', () => {
  it('toArray nests by shape; a scalar gives a number', () => {
    expect(tensor([[[1], [2]], [[3], [4]]]).toArray()).toEqual([[[1], [2]], [[3], [4]]]);
    expect(scalar(-1).toArray()).toBe(-1);
    expect(tensor([1, 2]).toFlatArray()).toEqual([1, 2]);
  });

  it('item reads any size-1 tensor', () => {
    expect(tensor([[7]]).item()).toBe(7);
    expect(tensor([0.5]).item()).toBe(0.5);
  });

  it('toString shows shape and values, eliding long axes', () => {
    expect(tensor([[1, 2], [3, 4]]).toString()).toBe('Tensor[2,2] [[1, 2], [3, 4]]');
    expect(String(scalar(3))).toBe('Tensor[] 3');
    expect(arange(10).toString()).toBe('Tensor[10] [0, 1, 2, ..., 7, 8, 9]');
    expect(tensor([0.1 + 0.2, 1e-5, 1e7, NaN, -Infinity]).toString()).toBe('Tensor[5] [0.3, 1.0000e-5, 10000000, NaN, -Infinity]');
    expect(zeros([0]).toString()).toBe('Tensor[0] []');
  });

  it('fmtNumber: integers plainly, 6 significant digits, exponent form for tiny and huge', () => {
    expect(fmtNumber(42)).toBe('42');
    expect(fmtNumber(Math.PI)).toBe('3.14159');
    expect(fmtNumber(-0.000123456)).toBe('-0.000123456');
    expect(fmtNumber(2.5e-7)).toBe('2.5000e-7');
    expect(fmtNumber(1.5e20)).toBe('1.5000e+20');
    expect(fmtNumber(Infinity)).toBe('Infinity');
  });

  it('new Tensor wraps the data as given, with no tape node', () => {
    const t = new Tensor(Float64Array.of(1, 2), [2]);
    expect(t.size).toBe(2);
    expect(t.node).toBeNull();
  });
});
