/**
 * @tapegrad/core: float64 tensors, differentiable ops, and a tape that replays
 * vector-Jacobian products in reverse (grad, valueAndGrad, vjp, jvp, hvp).
 * @packageDocumentation
 */
export { TapegradError, ShapeError, ArgumentError, GradError, CompileError, fmtShape, checkOptions, describeValue, showValue } from './errors.js';
export { type Shape, unravelIndex, MAX_ELEMENTS, checkSize } from './shape.js';
export { intArg } from './args.js';
export { Tensor, tensor, scalar, zeros, ones, full, eye, arange, linspace, isTensor, tensorView, type NestedArray } from './tensor.js';
export { Rng, uniform, normal, type RandomSource } from './random.js';
export { type TensorLike, type Unary, type Binary } from './ops/define.js';
export { add, sub, mul, div, pow, maximum, minimum, neg, abs, exp, log, log1p, sqrt, square, sin, cos, tanh } from './ops/elementwise.js';
export { sigmoid, relu, leakyRelu, softplus } from './ops/activation.js';
export { greater, greaterEqual, less, lessEqual, equal, step, sign, where, type Where } from './ops/compare.js';
export { reshape, transpose, broadcastTo, sum, sumTo, named } from './ops/structural.js';
export { slice, pad, concat, take, scatterAdd, type SliceRange, type Ranges, type SliceAttrs, type PadAttrs } from './ops/indexing.js';
export { max, min, logSumExp, type ReduceAttrs } from './ops/reduce.js';
export { mean, logSoftmax, softmax } from './ops/composite.js';
export { matmul, type MatmulAttrs } from './ops/linalg.js';
export { setMatmulKernel, matmulKernel, gemmInto, setThreads, threads } from './kernels/matmul.js';
export { opTable, type OpName } from './ops/table.js';
export { grad, valueAndGrad, vjp, jvp, hvp, stopGradient, type Argnums, type Grads } from './autodiff.js';
export { type GradOptions } from './autodiff.js';
export { detectAnomaly } from './anomaly.js';
export { compile, type Compiled, type CompileOptions, type CompiledProgram, type ProgramLine, type ProgramStats } from './compile.js';
export { AnomalyError, type AnomalyDetails, type AnomalyEntry, type AnomalyInput, type ValueRange } from './errors.js';
export { customOp, type CustomOpSpec } from './custom-op.js';
export { jacobian, hessian, type Jacobian, type Hessian, type NestTree } from './second-order.js';
export { noGrad, isRecording, type OpDef, type KernelOp, type RuleText, type Vjp, type VjpContext, type Node, type Recorded } from './tape.js';
export { type Tree } from './pytree.js';
export { traceTape, fmtValue, type TraceTape, type TapeEntry, type TapeInput, type TapeRecord, type TapeTableOptions, type GraphOptions } from './inspect.js';
export { tensorJSON, type Steps, type StepsJSON, type TensorJSON, type ForwardStep, type BackwardStep, type StepInput } from './steps.js';
export { checkGrads, type GradCheckReport, type ArgGradReport, type GradCheckOptions, type WorstEntry } from './check.js';
export { diagnose, DIAGNOSE_RTOL, DIAGNOSE_ATOL, type Diagnosis, type DiagnosisKind, type DiagnoseContext } from './diagnose.js';
export { compareAt, type CompareAtOptions, type CompareAtReport, type CompareAtRow, type CompareAtJSON, type CompareStatus } from './compare-at.js';
export { fmtNumber, formatTable, type TableOptions } from './format.js';
export { parseExpr, MAX_EXPR_DEPTH, type Expr } from './expr/parse.js';
export { evaluateExpr, variablesOf, type EvaluateExprOptions } from './expr/evaluate.js';
export { EXPR_FUNCTIONS, exprFunctionNames, type ExprFunction } from './expr/functions.js';
export { ExprError } from './expr/error.js';
