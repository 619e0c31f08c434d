/**
 * @tapegrad/cli: the `tapegrad` command as a library. `run(argv, io)` runs any command
 * line in-process (Running); the building blocks are exported for embedding: CSV reading and
 * datasets (Data), `--var` values and traced expressions (Expressions), the worked example
 * behind `tapegrad explain` (Explaining), terminal tables and plots (Rendering).
 * @packageDocumentation
 */
export { run, exitCodeOf, reportError, COMMANDS } from './run.js';
export { type Io, type OutStream, type MemoryIo, processIo, memoryIo } from './io.js';
export { EXIT, UsageError, DataError, CsvError } from './errors.js';
export { parseCsv, CsvTokenizer, type CsvTable } from './csv.js';
export { parseDecimal } from './numbers.js';
export { loadDataset, type LoadOptions } from './load.js';
export { loadProgress } from './progress.js';
export { buildDataset, DatasetBuilder, inferTask, MAX_AUTO_CLASSES, type Dataset, type DatasetOptions, type Task } from './dataset.js';
export { fitStandardizer, takeRows, splitIndices, type Standardizer, type StandardizerNames } from './standardize.js';
export { irisTable, IRIS_COLUMNS } from './iris.js';
export { parseExpr, EXPR_FUNCTIONS as FUNCTIONS, MAX_EXPR_DEPTH, ExprError, type Expr, type ExprFunction as Fn, evaluateExpr as evaluate, variablesOf } from '@tapegrad/core';
export { parseVar, MAX_VAR_DEPTH } from './vars.js';
export { traceExpression } from './commands/graph.js';
export { explainNetwork, type ExplainNet, type Explanation, type NumberCheck } from './explain-net.js';
export { WORKED_EXAMPLE_NET, explainReport } from './commands/explain.js';
export { plotSeries, progressBar, table } from './render.js';
export { type Command } from './command.js';
