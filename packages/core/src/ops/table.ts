/**
 * The op table: every primitive with its own kernel, by name. It is an explicit list
 * (nothing registers itself on import), so bundlers can drop unused code and the
 * property test can walk every op.
 */
import { addOp, subOp, mulOp, divOp, powOp, maximumOp, minimumOp } from './arithmetic.js';
import { negOp, absOp, expOp, logOp, log1pOp, sqrtOp, squareOp, sinOp, cosOp, tanhOp, tanhGradOp } from './unary.js';
import { sigmoidOp, sigmoidGradOp, reluOp, leakyReluOp, softplusOp } from './activation.js';
import { greaterOp, greaterEqualOp, equalOp, stepOp, signOp, whereOp } from './compare.js';
import { reshapeOp, transposeOp, broadcastToOp, sliceOp, padOp, concatOp, takeOp, scatterAddOp } from './reshape.js';
import { sumOp, maxOp, minOp, logSumExpOp } from './reduce.js';
import { matmulOp } from './linalg.js';

export const opTable = {
  add: addOp,
  sub: subOp,
  mul: mulOp,
  div: divOp,
  pow: powOp,
  maximum: maximumOp,
  minimum: minimumOp,
  neg: negOp,
  abs: absOp,
  exp: expOp,
  log: logOp,
  log1p: log1pOp,
  sqrt: sqrtOp,
  square: squareOp,
  sin: sinOp,
  cos: cosOp,
  tanh: tanhOp,
  tanhGrad: tanhGradOp,
  sigmoid: sigmoidOp,
  sigmoidGrad: sigmoidGradOp,
  relu: reluOp,
  leakyRelu: leakyReluOp,
  softplus: softplusOp,
  greater: greaterOp,
  greaterEqual: greaterEqualOp,
  equal: equalOp,
  step: stepOp,
  sign: signOp,
  where: whereOp,
  reshape: reshapeOp,
  transpose: transposeOp,
  broadcastTo: broadcastToOp,
  slice: sliceOp,
  pad: padOp,
  concat: concatOp,
  take: takeOp,
  scatterAdd: scatterAddOp,
  sum: sumOp,
  max: maxOp,
  min: minOp,
  logSumExp: logSumExpOp,
  matmul: matmulOp,
} as const;

export type OpName = keyof typeof opTable;
