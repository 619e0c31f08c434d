/**
 * The matrix-calculus identities of the backprop derivation (the matrix-form derivation's
 * "aside" on matrix derivatives, the unrolled-recursion notes' base case, the matrix-form
 * derivation's single-neuron chain; docs/sources.md names both), each
 * computed twice: by the tape (`grad` / `vjp`) and by the closed form written with
 * plain tensor ops outside any trace. Every row must agree to rounding error.
 *
 * Run: node --conditions=@tapegrad/source --import tsx examples/matrix-calculus.ts
 */
import {
  type Tensor,
  add,
  fmtNumber,
  grad,
  matmul,
  mul,
  normal,
  reshape,
  scalar,
  sigmoid,
  square,
  sub,
  sum,
  tanh,
  transpose,
  tensor,
  vjp,
  Rng,
} from '@tapegrad/core';

const rng = new Rng(2018);
const randn = (...shape: number[]): Tensor => normal(shape, { rng });

/** u vᵀ for vectors u: [m], v: [n] → [m, n]. */
const outer = (u: Tensor, v: Tensor): Tensor => matmul(reshape(u, [-1, 1]), reshape(v, [1, -1]));
/** yᵀ M x for y: [m], M: [m, n], x: [n] → scalar. */
const bilinear = (y: Tensor, M: Tensor, x: Tensor): Tensor => matmul(y, matmul(M, x));
const T = (m: Tensor): Tensor => transpose(m);

// Both sides add the same products, possibly in a different order: float64 rounding
// leaves ~1e-16 relative error per operation, so 1e-12 times the largest entry (or
// times 1 when every entry is smaller) is generous while still catching any wrong
// sign, factor or transpose, which would show up at order 1e-1.
const REL_TOL = 1e-12;

interface Row {
  name: string;
  formula: string;
  shape: string;
  maxAbsError: number;
  ok: boolean;
}
const rows: Row[] = [];

function check(name: string, formula: string, tape: Tensor, closed: Tensor): void {
  if (tape.shape.join(',') !== closed.shape.join(',')) {
    rows.push({ name, formula, shape: `[${tape.shape}] vs [${closed.shape}]`, maxAbsError: Infinity, ok: false });
    return;
  }
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < tape.size; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(tape.data[i]! - closed.data[i]!));
    scale = Math.max(scale, Math.abs(closed.data[i]!));
  }
  rows.push({ name, formula, shape: `[${tape.shape.join(',')}]`, maxAbsError: maxAbs, ok: maxAbs <= REL_TOL * Math.max(scale, 1) });
}

// ---- C = yᵀAx: ∂C/∂A = y xᵀ (the matrix-form derivation, "cost linear in weights")
{
  const x = randn(4);
  const y = randn(3);
  const A = randn(3, 4);
  const dA = grad((a: Tensor) => bilinear(y, a, x))(A);
  check('C = yᵀAx', '∂C/∂A = y xᵀ', dA, outer(y, x));
  console.log('C = yᵀAx with y: [3], A: [3,4], x: [4]');
  console.log('  tape    ∂C/∂A =', dA.toString());
  console.log('  closed  y xᵀ  =', outer(y, x).toString());
  console.log();
}

// ---- C = yᵀABx: ∂C/∂A = y xᵀBᵀ, ∂C/∂B = Aᵀy xᵀ
{
  const x = randn(4);
  const y = randn(2);
  const A = randn(2, 3);
  const B = randn(3, 4);
  const [dA, dB] = grad((a: Tensor, b: Tensor) => matmul(y, matmul(a, matmul(b, x))), [0, 1])(A, B);
  check('C = yᵀABx', '∂C/∂A = y xᵀBᵀ', dA, matmul(outer(y, x), T(B)));
  check('C = yᵀABx', '∂C/∂B = Aᵀy xᵀ', dB, outer(matmul(T(A), y), x));
}

// ---- C = ½ xᵀAᵀAx: ∂C/∂A = A x xᵀ (the matrix-form derivation, "cost quadratic in weights")
{
  const x = randn(4);
  const A = randn(3, 4);
  const dA = grad((a: Tensor) => mul(0.5, sum(square(matmul(a, x)))))(A);
  check('C = ½xᵀAᵀAx', '∂C/∂A = A x xᵀ', dA, matmul(A, outer(x, x)));
}

// ---- C = ½ xᵀBᵀAᵀABx: ∂C/∂A = (ABx)(Bx)ᵀ, ∂C/∂B = AᵀA B x xᵀ
{
  const x = randn(4);
  const A = randn(2, 3);
  const B = randn(3, 4);
  const [dA, dB] = grad((a: Tensor, b: Tensor) => mul(0.5, sum(square(matmul(a, matmul(b, x))))), [0, 1])(A, B);
  const Bx = matmul(B, x);
  check('C = ½xᵀBᵀAᵀABx', '∂C/∂A = (ABx)(Bx)ᵀ', dA, outer(matmul(A, Bx), Bx));
  check('C = ½xᵀBᵀAᵀABx', '∂C/∂B = AᵀA B x xᵀ', dB, matmul(matmul(T(A), A), matmul(B, outer(x, x))));
}

// ---- C = yᵀσ(A)x: ∂C/∂A = y xᵀ ⊙ σ'(A) (the matrix-form derivation, the Hadamard product appears)
{
  const x = randn(4);
  const y = randn(3);
  const A = randn(3, 4);
  const dA = grad((a: Tensor) => bilinear(y, sigmoid(a), x))(A);
  const s = sigmoid(A);
  check("C = yᵀσ(A)x", "∂C/∂A = y xᵀ ⊙ σ'(A)", dA, mul(outer(y, x), mul(s, sub(1, s))));
}

// ---- ∂(Wx)/∂W: row i of Wx depends only on row i of W (the unrolled-recursion notes' indicator 1{k = i})
{
  const x = randn(3);
  const W = randn(2, 3);
  const [, pullback] = vjp((w: Tensor) => matmul(w, x), W);
  for (let i = 0; i < 2; i++) {
    const e = tensor(i === 0 ? [1, 0] : [0, 1]);
    const [row] = pullback(e);
    check(`∂(Wx)_${i}/∂W`, `= e_${i} xᵀ`, row, outer(e, x));
  }
  const u = randn(2);
  const [vjpU] = pullback(u);
  check('uᵀ ∂(Wx)/∂W', '= u xᵀ   (a VJP)', vjpU, outer(u, x));
}

// ---- ∂(xᵀAx)/∂x = (A + Aᵀ)x for a non-symmetric A
{
  const x = randn(4);
  const A = randn(4, 4);
  const dx = grad((v: Tensor) => bilinear(v, A, v))(x);
  check('C = xᵀAx', '∂C/∂x = (A + Aᵀ)x', dx, matmul(add(A, T(A)), x));
}

// ---- the linear multi-node network of the matrix-form derivation (section III): x1 = W01 x0, x2 = W12 x1, x3 = W23 x2,
//      C = ½|x3 - y|²: ∂C/∂W_{i,i+1} = Δ_{2-i} x_iᵀ with backward chains Δ0 = x3 - y, Δ1 = W23ᵀΔ0, Δ2 = W12ᵀΔ1
{
  const x0 = randn(3);
  const y = randn(2);
  const W01 = randn(4, 3);
  const W12 = randn(3, 4);
  const W23 = randn(2, 3);
  const cost = (a: Tensor, b: Tensor, c: Tensor): Tensor => mul(0.5, sum(square(sub(matmul(c, matmul(b, matmul(a, x0))), y))));
  const [g01, g12, g23] = grad(cost, [0, 1, 2])(W01, W12, W23);
  const x1 = matmul(W01, x0);
  const x2 = matmul(W12, x1);
  const x3 = matmul(W23, x2);
  const D0 = sub(x3, y);
  const D1 = matmul(T(W23), D0);
  const D2 = matmul(T(W12), D1);
  check('linear net', '∂C/∂W23 = Δ0 x2ᵀ', g23, outer(D0, x2));
  check('linear net', '∂C/∂W12 = Δ1 x1ᵀ', g12, outer(D1, x1));
  check('linear net', '∂C/∂W01 = Δ2 x0ᵀ', g01, outer(D2, x0));
}

// ---- one neuron per layer with activations (the matrix-form derivation, section II): p_{i+1} = w q_i, q = σ(p),
//      C = ½(q3 - y)²; δ0 = (q3 - y)σ'(p3), δ1 = δ0 w23 σ'(p2), δ2 = δ1 w12 σ'(p1); ∂C/∂w_{i,i+1} = δ_{2-i} q_i
{
  const p0 = 0.8;
  const y = 0.3;
  const [w01, w12, w23] = [scalar(0.5), scalar(-1.2), scalar(0.9)];
  const cost = (a: Tensor, b: Tensor, c: Tensor): Tensor => {
    const q0 = tanh(scalar(p0));
    const q1 = tanh(mul(a, q0));
    const q2 = tanh(mul(b, q1));
    const q3 = tanh(mul(c, q2));
    return mul(0.5, square(sub(q3, y)));
  };
  const [g01, g12, g23] = grad(cost, [0, 1, 2])(w01, w12, w23);
  const dtanh = (q: number): number => 1 - q * q;
  const q0 = Math.tanh(p0);
  const q1 = Math.tanh(w01.item() * q0);
  const q2 = Math.tanh(w12.item() * q1);
  const q3 = Math.tanh(w23.item() * q2);
  const d0 = (q3 - y) * dtanh(q3);
  const d1 = d0 * w23.item() * dtanh(q2);
  const d2 = d1 * w12.item() * dtanh(q1);
  check('single-neuron chain', '∂C/∂w23 = δ0 q2', g23, scalar(d0 * q2));
  check('single-neuron chain', '∂C/∂w12 = δ1 q1', g12, scalar(d1 * q1));
  check('single-neuron chain', '∂C/∂w01 = δ2 q0', g01, scalar(d2 * q0));
  console.log(`single-neuron chain: q = [${[q0, q1, q2, q3].map(fmtNumber).join(', ')}], δ = [${[d0, d1, d2].map(fmtNumber).join(', ')}]`);
  console.log(`  tape ∂C/∂w = [${[g01, g12, g23].map((g) => fmtNumber(g.item())).join(', ')}]   closed δ·q = [${[d2 * q0, d1 * q1, d0 * q2].map(fmtNumber).join(', ')}]`);
  console.log();
}

const nameWidth = Math.max(...rows.map((r) => r.name.length));
const formulaWidth = Math.max(...rows.map((r) => r.formula.length));
console.log(`${'cost'.padEnd(nameWidth)}  ${'identity'.padEnd(formulaWidth)}  ${'shape'.padEnd(6)}  max |tape - closed|  ok`);
for (const r of rows) {
  console.log(`${r.name.padEnd(nameWidth)}  ${r.formula.padEnd(formulaWidth)}  ${r.shape.padEnd(6)}  ${fmtNumber(r.maxAbsError).padEnd(19)}  ${r.ok ? 'yes' : 'NO'}`);
}
const failed = rows.filter((r) => !r.ok).length;
console.log(failed === 0 ? `\nall ${rows.length} identities agree with the tape` : `\n${failed} of ${rows.length} identities DISAGREE with the tape`);
if (failed > 0) process.exitCode = 1;
