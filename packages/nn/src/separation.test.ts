/**
 * The closed form must stand apart from the tape (the two meet only in tests). This reads the
 * closed form's own source and checks what it imports from core: tensor plumbing and errors,
 * no op, no grad/vjp, nothing that records.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function coreImports(file: string): string[] {
  const src = readFileSync(new URL(file, import.meta.url), 'utf8');
  const names: string[] = [];
  for (const m of src.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@tapegrad\/core'/g)) {
    for (const n of m[1]!.split(',')) {
      const name = n.trim().replace(/^type\s+/, '');
      if (name !== '') names.push(name);
    }
  }
  return names.sort();
}

describe('the closed form imports nothing from the tape', () => {
  it('backprop-closed-form.ts takes only the Tensor type, tensorView and the error helpers from core', () => {
    expect(coreImports('./backprop-closed-form.ts')).toEqual(['ArgumentError', 'Tensor', 'checkOptions', 'checkSize', 'describeValue', 'showValue', 'tensorView']);
  });
  it('dense-kernels.ts takes only the plain-array GEMM kernel from core (no tensor, no op)', () => {
    const src = readFileSync(new URL('./dense-kernels.ts', import.meta.url), 'utf8');
    expect(coreImports('./dense-kernels.ts')).toEqual(['gemmInto']);
    expect([...src.matchAll(/^import /gm)]).toHaveLength(1);
  });
  it('its local imports are the closed-form halves (kernels, losses, argument checks, validation), never backprop-tape', () => {
    const src = readFileSync(new URL('./backprop-closed-form.ts', import.meta.url), 'utf8');
    const local = [...src.matchAll(/from '\.\/([\w-]+)\.js'/g)].map((m) => m[1]).sort();
    expect(local).toEqual(['args', 'dense-kernels', 'grads', 'losses', 'model', 'validate']);
  });
});
