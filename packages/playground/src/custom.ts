/**
 * A user's activation (or loss) written in the expression language: the tape differentiates
 * the user's f, the closed form uses the user's f′. A wrong f′ therefore shows up as the tape
 * and the closed form disagreeing, which is what the derivative and network labs show.
 *
 * f′ is evaluated once per call on the whole z array (one tensor op per node of the
 * expression), not once per entry: a network calls it for every unit of every sample.
 */
import { ArgumentError, broadcastTo, describeValue, EXPR_FUNCTIONS, evaluateExpr, ExprError, noGrad, parseExpr, sum, tensorView, type Expr, type Tensor } from '@tapegrad/core';
import { defineLoss, type Activation, type Loss } from '@tapegrad/nn';

/** Which text of a custom activation or loss an error is about, so a page can show it next to that input. */
export type CustomPart = 'f' | 'df' | 'loss' | 'grad';

/** An `ExprError` in one text of a custom activation or loss: `part` says which (`column`, `rule` and `source` as in ExprError). */
export class CustomExprError extends ExprError {
  readonly part: CustomPart;

  /** @param part which text @param err the error in it */
  constructor(part: CustomPart, err: ExprError) {
    super(err.source, err.column - 1, err.rule, err.variable);
    this.part = part;
  }
}

/** What each text may read, and how a message names it. */
interface PartSpec {
  readonly vars: readonly string[];
  readonly label: string;
  readonly uses: string;
  readonly example: string;
}

const PARTS: ReadonlyMap<CustomPart, PartSpec> = new Map([
  ['f', { vars: ['z'], label: 'f(z)', uses: 'the variable z', example: 'tanh(z)' }],
  ['df', { vars: ['z', 'a'], label: 'f′', uses: 'z and a (= f(z))', example: '1 - a^2' }],
  ['loss', { vars: ['a', 'y'], label: 'the loss', uses: 'a (the prediction) and y (the target)', example: '(a - y)^2 / 2' }],
  ['grad', { vars: ['a', 'y'], label: '∂loss/∂a', uses: 'a (the prediction) and y (the target)', example: 'a - y' }],
]);

/** A parsed text: its source and tree. */
interface Parsed {
  readonly source: string;
  readonly tree: Expr;
}

/**
 * Parses one text and checks it is elementwise in the allowed variables, then evaluates it
 * once on a small probe so any other error surfaces now, with its column.
 * @throws CustomExprError naming `part`; ArgumentError when `source` is not a string.
 */
function parsePart(part: CustomPart, source: string): Parsed {
  const spec = PARTS.get(part)!;
  if (typeof source !== 'string') throw new ArgumentError(`custom ${part}: the expression must be a string, got ${describeValue(source)}`);
  try {
    if (source.trim() === '') throw new ExprError(source, 0, `${spec.label} is empty; write it in ${spec.uses}, e.g. ${spec.example}`);
    const tree = parseExpr(source);
    checkTree(source, tree, spec);
    const probe = new Float64Array([-1.5, 0.5, 2]);
    const vars = new Map(spec.vars.map((v) => [v, tensorView(probe, [3])]));
    noGrad(() => evaluateExpr(source, tree, vars));
    return { source, tree };
  } catch (err) {
    if (err instanceof ExprError) throw new CustomExprError(part, err);
    throw err;
  }
}

/**
 * The error of one text on its own, without building anything: so a page can show a message
 * under each input at once (`customActivation` stops at the first text that fails).
 * @param part which text (`f`, `df`, `loss`, `grad`) @param source the text
 * @returns the error it would raise, or null when it is usable
 * @throws ArgumentError for an unknown part or a non-string source.
 * @example customPartError('df', '1 - b')?.rule // "f′ may use only z and a (= f(z)); 'b' is not one of them"
 */
export function customPartError(part: CustomPart, source: string): CustomExprError | null {
  if (!PARTS.has(part)) throw new ArgumentError(`customPartError: part must be one of ${[...PARTS.keys()].join(', ')}, got ${describeValue(part)}`);
  try {
    parsePart(part, source);
    return null;
  } catch (err) {
    if (err instanceof CustomExprError) return err;
    throw err;
  }
}

/** Every variable in `vars`, every call elementwise, no `@`; the first offence, in text order, is thrown. */
function checkTree(source: string, tree: Expr, spec: PartSpec): void {
  const { label, uses, vars } = spec;
  const offences: { pos: number; rule: string }[] = [];
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'num':
        return;
      case 'var':
        if (!vars.includes(e.name)) offences.push({ pos: e.pos, rule: `${label} may use only ${uses}; '${e.name}' is not one of them` });
        return;
      case 'neg':
        return walk(e.x);
      case 'bin':
        if (e.op === '@') offences.push({ pos: e.pos, rule: `${label} must work entry by entry; @ (the matrix product) mixes entries` });
        walk(e.l);
        return walk(e.r);
      case 'call':
        if (EXPR_FUNCTIONS.get(e.name)?.elementwise === false) offences.push({ pos: e.pos, rule: `${label} must work entry by entry; ${e.name}() mixes entries (use elementwise functions such as exp, tanh, maximum)` });
        return e.args.forEach(walk);
    }
  };
  walk(tree);
  offences.sort((p, q) => p.pos - q.pos);
  const first = offences[0];
  if (first !== undefined) throw new ExprError(source, first.pos, first.rule);
}

/** The value of `p` at the given variables, as a tensor of `shape` (a constant expression is broadcast). */
function valueOf(p: Parsed, vars: ReadonlyMap<string, Tensor>, shape: readonly number[]): Tensor {
  const v = evaluateExpr(p.source, p.tree, vars);
  return v.shape.length === shape.length && v.shape.every((d, i) => d === shape[i]) ? v : broadcastTo(v, shape);
}

/** `out[i] = g[i] · d[i]`, where `d` is a tensor over the same entries (or a single value). */
function scale(g: Float64Array, d: Tensor, out: Float64Array): void {
  const dd = d.data;
  if (dd.length === 1) {
    const k = dd[0]!;
    for (let i = 0; i < out.length; i++) out[i] = g[i]! * k;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = g[i]! * dd[i]!;
  }
}

function checkName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name.trim() === '') throw new ArgumentError(`${where}: name must be a non-empty string, got ${describeValue(name)}`);
  return name;
}

/**
 * An activation from two expressions: `f` in `z`, its derivative `df` in `z` and `a` (= f(z)).
 * The tape form evaluates f with core ops (so the tape differentiates the user's f); the closed
 * form's backward evaluates df once on the whole z and a arrays. Both must be elementwise.
 * @param f e.g. `tanh(z)` @param df e.g. `1 - a^2` @param name how tables name it
 * @returns an nn `Activation` (z: [batch, n] → [batch, n]) for `createMLP`, `checkActivation`, ...
 * @throws CustomExprError (an ExprError with `part` 'f' or 'df' and the column) for a syntax error, a
 *   variable other than z (and a in df), or a function that mixes entries (sum, softmax, @);
 *   ArgumentError for a non-string argument or an empty name.
 * @example customActivation('z^3', '3*z^2').backward(z, a, g, out, cols)
 */
export function customActivation(f: string, df: string, name = 'custom'): Activation {
  const label = checkName(name, 'customActivation');
  const fp = parsePart('f', f);
  const dfp = parsePart('df', df);
  const tape = (z: Tensor): Tensor => valueOf(fp, new Map([['z', z]]), z.shape);
  return {
    name: label,
    elementwise: true,
    tape,
    forward: (z, out) => {
      out.set(noGrad(() => tape(tensorView(z, [z.length]))).data);
    },
    backward: (z, a, g, out) => {
      const shape = [z.length];
      const d = noGrad(() => evaluateExpr(dfp.source, dfp.tree, new Map([['z', tensorView(z, shape)], ['a', tensorView(a, shape)]])));
      scale(g, d, out);
    },
  };
}

/**
 * A loss from two expressions in `a` (the prediction) and `y` (the target), both elementwise:
 * `loss` is one output's term, summed over the outputs for a sample's loss
 * (C_i = Σ_j loss(a_ij, y_ij)), and `grad` is its derivative ∂loss/∂a. The tape differentiates
 * `loss`; the closed form uses `grad`, evaluated once on the whole arrays. Not for losses on
 * logits that mix outputs (softmax cross-entropy): those are not a sum of per-output terms.
 * @param loss e.g. `(a - y)^2 / 2` @param grad e.g. `a - y` @param name how tables name it
 * @returns an nn `Loss` (a, y: [batch, n] → [batch]) for `backpropTape`, `backpropClosedForm`, `checkLoss`, `train`
 * @throws CustomExprError (`part` 'loss' or 'grad', with the column) for a syntax error, a variable other
 *   than a and y, or a function that mixes entries; ArgumentError for a non-string argument or an empty name.
 * @example customLoss('(a - y)^2 / 2', 'a - y').name // 'custom'
 */
export function customLoss(loss: string, grad: string, name = 'custom'): Loss {
  const label = checkName(name, 'customLoss');
  const lp = parsePart('loss', loss);
  const gp = parsePart('grad', grad);
  return defineLoss({
    name: label,
    value: (a, y) => sum(valueOf(lp, new Map([['a', a], ['y', y]]), a.shape), 1),
    grad: (a, y, _batch, _n, out) => {
      const shape = [a.length];
      const g = noGrad(() => evaluateExpr(gp.source, gp.tree, new Map([['a', tensorView(a, shape)], ['y', tensorView(y, shape)]])));
      if (g.size === 1) out.fill(g.data[0]!);
      else out.set(g.data);
    },
  });
}
