/**
 * The op table: every primitive with its own kernel, by name, joined from each family's
 * slice. It is an explicit list (nothing registers itself on import), so bundlers can drop
 * unused code and the property test can walk every op.
 */
import { structuralOps } from './structural.js';
import { indexingOps } from './indexing.js';
import { compareOps } from './compare.js';
import { elementwiseOps } from './elementwise.js';
import { activationOps } from './activation.js';
import { reduceOps } from './reduce.js';
import { linalgOps } from './linalg.js';

/**
 * Every primitive op by name: its shape rule, forward kernel, VJP per input, and the derivative rules as text and TeX.
 * Composite ops (`mean`, `softmax`, ...) are built from these and have no entry.
 * @group Custom ops
 */
export const opTable = {
  ...elementwiseOps,
  ...activationOps,
  ...compareOps,
  ...structuralOps,
  ...indexingOps,
  ...reduceOps,
  ...linalgOps,
} as const;

/**
 * The name of a primitive op, a key of `opTable`.
 * @group Custom ops
 */
export type OpName = keyof typeof opTable;
