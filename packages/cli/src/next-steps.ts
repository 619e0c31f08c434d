/**
 * The commands the main job suggests when it ends: two or three that run as printed (a
 * test runs each), spelled the way the user started tapegrad (`tapegrad ...`, or
 * `npm start -- ...` in the repository).
 */
import { type Loss } from '@tapegrad/nn';
import { MAX_FD_WORK } from './commands/compare.js';
import { CLI_LOSS_NAMES } from './problem.js';

/** One suggested command: what it shows, and the arguments after the program's name. */
export interface NextCommand {
  readonly why: string;
  readonly argv: readonly string[];
}

/** What the finished run knows that the suggestions use. */
export interface RunFacts {
  /** Every width of the trained network, input first. */
  readonly sizes: readonly number[];
  /** The hidden activation's name (`tanh`, `leakyRelu(0.2)`). */
  readonly activation: string;
  readonly loss: Loss;
  /** `--save` and `--data` as the user typed them, when given. */
  readonly saved: string | null;
  readonly data: string | null;
}

/** compare's batch: its default, so the suggestion reads as the user would type it. */
const COMPARE_BATCH = 16;

/**
 * The commands to try next: `predict` on the saved model (when there is a model and a file to
 * predict), the worked example in `explain`, this network in `compare` (when compare builds the
 * same network: a loss on logits, so an identity output, and finite differences it allows), and
 * one neuron's tape in `graph`. At most three.
 * @example nextCommands({ sizes: [4, 8, 3], activation: 'tanh', loss: getLoss('softmax-ce'), saved: null, data: null })
 */
export function nextCommands(f: RunFacts): NextCommand[] {
  const out: NextCommand[] = [];
  if (f.saved !== null && f.data !== null) out.push({ why: 'what the saved model predicts for each row of the data, as CSV', argv: ['predict', '--model', f.saved, '--data', f.data] });
  out.push({ why: 'backprop by hand, every number of the worked 2-3-2 example checked against the tape', argv: ['explain'] });
  const cliLoss = Object.hasOwn(CLI_LOSS_NAMES, f.loss.name) ? CLI_LOSS_NAMES[f.loss.name as keyof typeof CLI_LOSS_NAMES] : null;
  const params = f.sizes.slice(1).reduce((acc, n, i) => acc + n * (f.sizes[i]! + 1), 0);
  if (f.loss.fromLogits && cliLoss !== null && 2 * params * COMPARE_BATCH * params <= MAX_FD_WORK) {
    // With no hidden layer and a loss on logits compare refuses --activation (it would not be used).
    const act = f.sizes.length > 2 ? ['--activation', f.activation] : [];
    out.push({ why: 'the gradients of this network by the tape, the closed form and finite differences, side by side', argv: ['compare', '--sizes', f.sizes.join(','), ...act, '--loss', cliLoss] });
  } else {
    out.push({ why: 'gradients by the tape, the closed form and finite differences, side by side', argv: ['compare'] });
  }
  if (out.length < 3) out.push({ why: 'the graph the tape records for one neuron, with each value and gradient', argv: ['graph', '--expr', 'sigmoid(w*x + b)', '--var', 'w=0.5', '--var', 'x=2', '--var', 'b=-1', '--format', 'table', '--values'] });
  return out;
}

/**
 * The suggestions as printed: a block a shell can take as it is (each reason a `#` comment).
 * @param program how the user runs tapegrad: `tapegrad` or `npm start --`
 */
export function nextCommandsText(commands: readonly NextCommand[], program: string): string {
  return ['Next, try:', ...commands.flatMap((c) => [`  # ${c.why}`, `  ${program} ${c.argv.map(shellWord).join(' ')}`])].join('\n');
}

/** A word as a POSIX shell reads it back: as it is when it holds only safe characters, else in single quotes. */
export function shellWord(s: string): string {
  return /^[\w.,=/:@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
