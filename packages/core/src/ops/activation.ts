/**
 * Neural-network nonlinearities with hand-written stable kernels: sigmoid (and sigmoidGrad,
 * its fused VJP), relu, leakyRelu, softplus. Imports the structural, compare and elementwise families.
 */
import { ArgumentError, showValue } from '../errors.js';
import { apply } from '../tape.js';
import { type Tensor } from '../tensor.js';
import { unaryOp, binaryOp, lift, type TensorLike } from './define.js';
import { sumTo } from './structural.js';
import { step, where } from './compare.js';
import { mul, sub } from './elementwise.js';

// σ(x) = 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) for x < 0: neither form overflows.
export const sigmoidOp = unaryOp({
  name: 'sigmoid',
  saves: ['out'],
  rule: { text: '∂/∂x σ(x) = σ(x)·(1 − σ(x))', tex: String.raw`\frac{\partial}{\partial x}\sigma(x) = \sigma(x)\,(1 - \sigma(x))` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v >= 0) o[i] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        o[i] = e / (1 + e);
      }
    }
  },
  // σ' = σ(1 - σ), fused into one pass (sigmoidGrad)
  vjp: (g, { saved: { out } }) => sigmoidGrad(g, out),
});
/**
 * Logistic sigmoid `1/(1+e^-x)`, stable for large |x|. @param x any shape @returns same shape
 * @group Ops: activations
 */
export const sigmoid = (x: TensorLike): Tensor => apply(sigmoidOp, [lift(x)], undefined);

// g ⊙ y(1 - y): sigmoid's VJP as one kernel instead of three ops.
export const sigmoidGradOp = binaryOp({
  name: 'sigmoidGrad',
  saves: ['a', 'b'],
  rules: {
    a: { text: '∂/∂a a·b·(1 − b) = b·(1 − b), summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial a}a\,b(1 - b) = b(1 - b)\quad\text{(summed over broadcast axes)}` },
    b: { text: '∂/∂b a·b·(1 − b) = a·(1 − 2b), summed over broadcast axes', tex: String.raw`\frac{\partial}{\partial b}a\,b(1 - b) = a(1 - 2b)\quad\text{(summed over broadcast axes)}` },
  },
  kernel: (a, ai, sa, b, bi, sb, o, oi, n) => {
    for (let k = 0; k < n; k++) {
      const y = b[bi + k * sb]!;
      o[oi + k] = a[ai + k * sa]! * y * (1 - y);
    }
  },
  vjp: {
    // ∂/∂g = y(1 - y); ∂/∂y = g(1 - 2y)
    a: (gg, { saved: { b }, shapes: [sa] }) => sumTo(sigmoidGrad(gg, b), sa!),
    b: (gg, { saved: { a, b }, shapes: [, sb] }) => sumTo(mul(gg, mul(a, sub(1, mul(b, 2)))), sb!),
  },
});
/** @internal `g ⊙ y(1 - y)`: the VJP of sigmoid given its output `y`, as one op (broadcasting). In the op table, not the public API. */
export const sigmoidGrad = (g: TensorLike, y: TensorLike): Tensor => apply(sigmoidGradOp, [lift(g), lift(y)], undefined);

// relu'(0) is taken as 0 (the subgradient PyTorch, JAX and TensorFlow all use).
export const reluOp = unaryOp({
  name: 'relu',
  saves: ['x'],
  rule: { text: '∂/∂x relu(x) = 1 where x > 0, else 0 (0 at x = 0)', tex: String.raw`\frac{\partial}{\partial x}\operatorname{relu}(x) = [x > 0]\ (0 \text{ at } x = 0)` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      o[i] = v > 0 ? v : v !== v ? v : 0;
    }
  },
  vjp: (g, { saved: { x } }) => mul(g, step(x)),
});
/**
 * `max(x, 0)`; gradient 0 at x = 0.
 * @group Ops: activations
 */
export const relu = (x: TensorLike): Tensor => apply(reluOp, [lift(x)], undefined);

export const leakyReluOp = unaryOp<'x', { alpha: number }>({
  name: 'leakyRelu',
  saves: ['x'],
  rule: { text: '∂/∂x leakyRelu(x) = 1 where x > 0, else α (α at x = 0)', tex: String.raw`\frac{\partial}{\partial x}\operatorname{leakyRelu}(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}` },
  kernel: (x, o, { alpha }) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      o[i] = v > 0 ? v : alpha * v;
    }
  },
  // slope 1 for x > 0, alpha for x <= 0 (alpha at the kink, as relu takes 0 there)
  vjp: (g, { saved: { x }, attrs }) => mul(g, where(step(x), 1, attrs.alpha)),
});
/**
 * `x` for x > 0, `alpha·x` otherwise (alpha defaults to 0.01).
 * @throws ArgumentError if alpha is not finite.
 * @group Ops: activations
 */
export const leakyRelu = (x: TensorLike, alpha = 0.01): Tensor => {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new ArgumentError(`leakyRelu: alpha must be a finite number, got ${showValue(alpha)}`);
  return apply(leakyReluOp, [lift(x)], { alpha });
};

// softplus(x) = ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): no overflow for large |x|.
export const softplusOp = unaryOp({
  name: 'softplus',
  saves: ['x'],
  rule: { text: '∂/∂x ln(1 + eˣ) = σ(x)', tex: String.raw`\frac{\partial}{\partial x}\ln(1 + e^x) = \sigma(x)` },
  kernel: (x, o) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      o[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }
  },
  vjp: (g, { saved: { x } }) => mul(g, sigmoid(x)),
});
/**
 * `ln(1 + e^x)`, stable for large |x|; its derivative is sigmoid.
 * @group Ops: activations
 */
export const softplus = (x: TensorLike): Tensor => apply(softplusOp, [lift(x)], undefined);

/** This family's slice of the op table. */
export const activationOps = {
  sigmoid: sigmoidOp, sigmoidGrad: sigmoidGradOp, relu: reluOp, leakyRelu: leakyReluOp, softplus: softplusOp,
} as const;
