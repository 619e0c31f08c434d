/**
 * micrograd-style scalar expressions mixing many ops (after micrograd's test_engine
 * sanity and more-ops checks, with our own expressions and numbers). The expected values
 * and gradients are derived by hand in the comments, then evaluated with Math.*.
 */
import { describe, expect, it } from 'vitest';
import { type Tensor, add, div, exp, grad, log, mul, neg, pow, relu, scalar, sqrt, sub, tanh, valueAndGrad } from './index.js';

/** Relative closeness; the expressions below round a handful of times in float64. */
function expectNear(actual: number, expected: number, rtol = 1e-13): void {
  expect(Math.abs(actual - expected), `got ${actual}, expected ${expected}`).toBeLessThanOrEqual(rtol * Math.abs(expected));
}

describe('micrograd-style scalar expressions', () => {
  it('relu, products and fan-out of one input (sanity check)', () => {
    // x = -3
    // z = 3x + 1 + x = 4x + 1 = -11
    // q = relu(z) + z·x = 0 + 33 = 33          (z < 0, so relu(z) = 0 and relu'(z) = 0)
    // h = relu(z·z) = 121
    // y = h + q + q·x = 121 + 33 - 99 = 55
    // dy/dx: h = (4x+1)², h' = 8(4x+1) = -88; q = 4x² + x, q' = 8x + 1 = -23;
    //        y = h + q(1 + x), y' = h' + q'(1 + x) + q = -88 + 46 + 33 = -9.
    const f = (x: Tensor): Tensor => {
      const z = add(add(mul(3, x), 1), x);
      const q = add(relu(z), mul(z, x));
      const h = relu(mul(z, z));
      return add(add(h, q), mul(q, x));
    };
    const [y, g] = valueAndGrad(f)(scalar(-3));
    expect(y.item()).toBe(55);
    expect(g.item()).toBe(-9);
  });

  it('two inputs through sums, cubes, relu, square, division (more-ops check)', () => {
    // a = -2, b = 3
    // c = a + b;            c = 2c + 1;          c = c + 1 + c - a        → c = 3a + 4b + 3 = 9
    // d = ab + b³;          d = 3d + relu(a+b);  d = 4d + relu(b - a)     → d = 12ab + 12b³ + 4relu(a+b) + relu(b-a) = 261
    // e = c - d = -252;     f = e² = 63504;      g = f/2 + 10/f           → g = e²/2 + 10/e²
    // ∂e/∂a = 3 - (12b + 4·[a+b>0] - [b-a>0]) = 3 - (36 + 4 - 1) = -36
    // ∂e/∂b = 4 - (12a + 36b² + 4·[a+b>0] + [b-a>0]) = 4 - (-24 + 324 + 4 + 1) = -301
    // dg/de = e - 20/e³
    const f = (a: Tensor, b: Tensor): Tensor => {
      let c = add(a, b);
      let d = add(mul(a, b), pow(b, 3));
      c = add(add(c, c), 1);
      c = add(add(add(c, 1), c), neg(a));
      d = add(add(d, mul(d, 2)), relu(add(b, a)));
      d = add(add(d, mul(3, d)), relu(sub(b, a)));
      const e = sub(c, d);
      const f2 = pow(e, 2);
      let g = div(f2, 2);
      g = add(g, div(10, f2));
      return g;
    };
    const [g, [ga, gb]] = valueAndGrad(f, [0, 1])(scalar(-2), scalar(3));
    const e = -252;
    const dgde = e - 20 / e ** 3;
    expectNear(g.item(), (e * e) / 2 + 10 / (e * e));
    expectNear(ga.item(), dgde * -36);
    expectNear(gb.item(), dgde * -301);
  });

  it('a tanh neuron: o = tanh(x1 w1 + x2 w2 + b)', () => {
    // n = 1.5·(-0.5) + (-1)·2 + 1 = -1.75; do/dn = 1 - o²;
    // do/dw_i = x_i (1 - o²), do/dx_i = w_i (1 - o²), do/db = 1 - o².
    const [x1, w1, x2, w2, b] = [1.5, -0.5, -1, 2, 1];
    const neuron = (p1: Tensor, q1: Tensor, p2: Tensor, q2: Tensor, bias: Tensor): Tensor => tanh(add(add(mul(p1, q1), mul(p2, q2)), bias));
    const [o, gs] = valueAndGrad(neuron, [0, 1, 2, 3, 4])(scalar(x1), scalar(w1), scalar(x2), scalar(w2), scalar(b));
    const expectedO = Math.tanh(-1.75);
    const dn = 1 - expectedO ** 2;
    expectNear(o.item(), expectedO);
    const expected = [w1 * dn, x1 * dn, w2 * dn, x2 * dn, dn];
    gs.forEach((t, i) => expectNear(t.item(), expected[i]!));
  });

  it('exp, log, sqrt, pow and div in one quotient', () => {
    // y = L·r / D with L = ln(1 + e^u), r = √v, D = u² + v;  u = 0.5, v = 4.
    // ∂y/∂u = r (σ(u) D - 2u L) / D²            (L' = σ(u), D_u = 2u)
    // ∂y/∂v = L (1/(2r D) - r/D²)              (r' = 1/(2r), D_v = 1)
    const f = (u: Tensor, v: Tensor): Tensor => div(mul(log(add(1, exp(u))), sqrt(v)), add(pow(u, 2), v));
    const [u, v] = [0.5, 4];
    const L = Math.log(1 + Math.exp(u));
    const r = Math.sqrt(v);
    const D = u * u + v;
    const σ = 1 / (1 + Math.exp(-u));
    const [gu, gv] = grad(f, [0, 1])(scalar(u), scalar(v));
    expectNear(f(scalar(u), scalar(v)).item(), (L * r) / D);
    expectNear(gu.item(), (r * (σ * D - 2 * u * L)) / (D * D));
    expectNear(gv.item(), L * (1 / (2 * r * D) - r / (D * D)));
  });
});
