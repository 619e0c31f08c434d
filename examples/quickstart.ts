/**
 * Quickstart: differentiate your own function, look at the tape, check against numerics.
 * Run: node --conditions=@tapegrad/source --import tsx examples/quickstart.ts
 */
import { tensor, sum, mul, sin, exp, grad, valueAndGrad, traceTape, checkGrads, type Tensor } from '@tapegrad/core';

// f(x) = Σ sin(x) · e^x
const f = (x: Tensor): Tensor => sum(mul(sin(x), exp(x)));
const x = tensor([0.1, 0.5, 1.0]);

const [value, dx] = valueAndGrad(f)(x);
console.log('f(x)        =', value.toString());
console.log('∂f/∂x       =', dx.toString());
console.log('by hand     = e^x (sin x + cos x) =', Array.from(x.data, (v) => Math.exp(v) * (Math.sin(v) + Math.cos(v))).map((v) => v.toFixed(6)).join(', '));
console.log('∂²f/∂x² (grad of grad, diagonal) =', grad((y: Tensor) => sum(grad(f)(y)))(x).toString());

console.log('\nThe tape of f:');
console.log(traceTape(f, x).toTable());

console.log('\nAutodiff against central finite differences:');
console.log(checkGrads(f, [x]).toString());
