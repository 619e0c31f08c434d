/**
 * The files of the consumer project test/packaging/packaging.test.ts installs the tarballs
 * into: programs a user would write, each printing one JSON line the test compares with the
 * same computation run from the sources. The project is `"type": "module"`, so `.js` and `.ts`
 * files are ES modules and `.cjs` / `.cts` files CommonJS.
 */

/** The numbers every program computes: ∇ Σx² at [1, 2, 3], and a seeded 2-3-1 MLP's predictions. */
export const MLP_OPTIONS = { sizes: [2, 3, 1], activations: 'tanh', output: 'sigmoid', seed: 1 } as const;
export const MLP_INPUT = [[0.5, -1], [2, 0.25]];

const mlp = `{ sizes: [2, 3, 1], activations: 'tanh', output: 'sigmoid', seed: 1 }`;
const input = JSON.stringify(MLP_INPUT);

export const consumerFiles: Readonly<Record<string, string>> = {
  // ES modules, the packages' only format.
  'esm.js': `import { tensor, grad, sum, square, Tensor } from '@tapegrad/core';
import { createMLP, predict, backpropTape, backpropClosedForm, compareGradients } from '@tapegrad/nn';
const g = grad((x) => sum(square(x)))(tensor([1, 2, 3]));
const model = createMLP(${mlp});
const X = tensor(${input});
const y = predict(model, X);
const agree = compareGradients(backpropTape(model, X, tensor([[1], [0]]), 'sumSquares'), backpropClosedForm(model, X, tensor([[1], [0]]), 'sumSquares')).ok;
console.log(JSON.stringify({ grad: [...g.data], predict: [...y.data], shape: y.shape, isTensor: y instanceof Tensor, agree }));
`,
  // CommonJS: require() of the ES module build (Node >= 20.19), and the same module reached
  // by import(): one copy, so tensors, grad and error classes cross freely.
  'cjs.cjs': `const core = require('@tapegrad/core');
const nn = require('@tapegrad/nn');
const g = core.grad((x) => core.sum(core.square(x)))(core.tensor([1, 2, 3]));
import('@tapegrad/core').then((esm) => {
  const mixed = esm.add(core.tensor([1, 2]), esm.tensor([3, 4]));
  const cross = esm.grad((x) => core.mul(x, x))(core.scalar(3));
  let caught = null;
  try {
    core.matmul(core.zeros([2, 3]), esm.zeros([4, 5]));
  } catch (e) {
    caught = { shapeError: e instanceof esm.ShapeError, tapegradError: e instanceof core.TapegradError };
  }
  const y = nn.predict(nn.createMLP(${mlp}), esm.tensor(${input}));
  console.log(JSON.stringify({ grad: [...g.data], same: core === esm, mixed: [...mixed.data], cross: cross.item(), caught, predict: [...y.data] }));
});
`,
  // Typechecked only (tsc --noEmit): the published declarations, used as a user would.
  'use.ts': `import { tensor, grad, sum, square, ShapeError, type Tensor } from '@tapegrad/core';
import { createMLP, predict, type MLP } from '@tapegrad/nn';
import { run } from '@tapegrad/cli';

const f = (x: Tensor): Tensor => sum(square(x));
export const g: Tensor = grad(f)(tensor([1, 2, 3]));
const model: MLP = createMLP(${mlp});
export const shape: readonly number[] = predict(model, tensor(${input})).shape;
export const error: Error = new ShapeError('matmul: inner dimensions must match');
export const code = (): number => run(['--version']);
// The declarations are real types, not any: each line below must be an error.
// @ts-expect-error a string is not a Tensor
sum('x');
// @ts-expect-error createMLP needs sizes
createMLP({ seed: 1 });
`,
  'use.cts': `import core = require('@tapegrad/core');
import nn = require('@tapegrad/nn');

const t: core.Tensor = core.tensor([1, 2]);
export const n: number = core.sum(t).item();
export const m: nn.MLP = nn.createMLP(${mlp});
// @ts-expect-error a string is not a Tensor
core.sum('x');
`,
  'tsconfig.nodenext.json': `${JSON.stringify(tsconfig({ module: 'nodenext', moduleResolution: 'nodenext' }, ['use.ts', 'use.cts']), null, 2)}\n`,
  'tsconfig.bundler.json': `${JSON.stringify(tsconfig({ module: 'esnext', moduleResolution: 'bundler' }, ['use.ts']), null, 2)}\n`,
};

/** Strict settings a careful user would have; skipLibCheck off, so the shipped .d.ts files are checked too. */
function tsconfig(resolution: Readonly<Record<string, string>>, files: readonly string[]): object {
  return {
    compilerOptions: { ...resolution, target: 'es2022', lib: ['es2022'], strict: true, noEmit: true, skipLibCheck: false, types: [], noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true },
    files,
  };
}
