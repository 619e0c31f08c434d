/**
 * A user-defined activation with its hand-derived derivative, checked against the tape.
 *
 * You give `defineActivation` two things: `f` written with core ops (the tape
 * differentiates it) and `df`, your derivative (the closed-form backprop uses it).
 * `checkActivation` compares them at many z and points at the worst disagreement, so a
 * wrong derivative is caught before it silently trains a network badly.
 *
 * Run: node --conditions=@tapegrad/source --import tsx examples/custom-activation.ts
 */
import { type Tensor, tensor, abs, add, div, exp, sub, where, greater, fmtNumber } from '@tapegrad/core';
import { defineActivation, checkActivation, createMLP, backpropTape, backpropClosedForm, compareGradients, train, adam, accuracy } from '@tapegrad/nn';

let failures = 0;

// softsign(z) = z / (1 + |z|);  softsign'(z) = 1 / (1 + |z|)²
const softsign = defineActivation({
  name: 'softsign',
  f: (z: Tensor) => div(z, add(1, abs(z))),
  df: (z) => 1 / (1 + Math.abs(z)) ** 2,
});
const good = checkActivation(softsign);
console.log('softsign with df = 1/(1 + |z|)²');
console.log(' ', good.toString());
if (!good.ok) failures++;

// A classic slip: forgetting the square of the quotient rule's denominator.
const softsignWrong = defineActivation({
  name: 'softsign (wrong df)',
  f: (z: Tensor) => div(z, add(1, abs(z))),
  df: (z) => 1 / (1 + Math.abs(z)),
});
const bad = checkActivation(softsignWrong);
console.log('\nsoftsign with df = 1/(1 + |z|)   (the square is missing)');
console.log(' ', bad.toString());
if (bad.ok) failures++;
else console.log(`  caught: at z = ${fmtNumber(bad.worst.z)} your df gives ${fmtNumber(bad.worst.df)} but the tape's derivative is ${fmtNumber(bad.worst.tape)}`);

// A wrong derivative that is right on half the line: ELU, f(z) = z for z > 0 and e^z - 1
// otherwise, so f'(z) = e^z = a + 1 there. Writing `a` instead of `a + 1` is only wrong for z <= 0,
// and the check says where.
const eluF = (z: Tensor): Tensor => where(greater(z, 0), z, sub(exp(z), 1));
const eluWrong = defineActivation({ name: 'elu (wrong df)', f: eluF, df: (z, a) => (z > 0 ? 1 : a) });
const eluBad = checkActivation(eluWrong);
console.log('\nELU with df = (z > 0 ? 1 : a)   (should be a + 1 for z <= 0)');
console.log(' ', eluBad.toString());
if (eluBad.ok || eluBad.worst.z > 0) failures++;
else console.log(`  caught: the error is located on the negative side, worst at z = ${fmtNumber(eluBad.worst.z)}`);
const eluRight = checkActivation(defineActivation({ name: 'elu', f: eluF, df: (z, a) => (z > 0 ? 1 : a + 1) }));
console.log('  fixed:', eluRight.toString());
if (!eluRight.ok) failures++;

// What a wrong derivative does downstream: the closed-form gradients of a network that
// uses it disagree with the tape, which differentiates f itself.
const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const Y = tensor([[0], [1], [1], [0]]);
for (const act of [softsign, softsignWrong]) {
  const model = createMLP({ sizes: [2, 4, 1], activations: act, output: 'sigmoid', seed: 2 });
  const cmp = compareGradients(backpropTape(model, X, Y, 'halfSumSquares'), backpropClosedForm(model, X, Y, 'halfSumSquares'));
  console.log(`\n2-4-1 network with ${act.name} hidden units: tape vs closed form, max abs error ${fmtNumber(cmp.maxAbsError)} (${cmp.ok ? 'agree' : 'DISAGREE'})`);
  if (cmp.ok !== (act === softsign)) failures++;
}

// The right one trains like any built-in activation.
const model = createMLP({ sizes: [2, 4, 1], activations: softsign, output: 'sigmoid', seed: 2 });
const { history } = train(model, { X, Y }, { epochs: 400, loss: 'halfSumSquares', optimizer: adam({ lr: 0.1 }), shuffle: false });
const acc = accuracy(model, X, Y);
console.log(`\nXOR with softsign hidden units: loss ${fmtNumber(history[0]!)} → ${fmtNumber(history[history.length - 1]!)}, accuracy ${(acc * 100).toFixed(0)}%`);
if (acc !== 1) failures++;

console.log(failures === 0 ? '\ncustom activation checks: all as expected' : `\n${failures} check(s) did not go as expected`);
if (failures > 0) process.exitCode = 1;
