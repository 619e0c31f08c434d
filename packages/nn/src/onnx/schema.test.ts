import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaModule } from './generate-schema.js';

describe('schema.ts', () => {
  it('is what generate-schema.ts writes from onnx-subset.proto (run `npm run gen:onnx-schema -w @tapegrad/nn` after editing the .proto)', () => {
    const proto = readFileSync(new URL('./onnx-subset.proto', import.meta.url), 'utf8');
    const committed = readFileSync(new URL('./schema.ts', import.meta.url), 'utf8');
    expect(committed).toBe(schemaModule(proto));
  });
});
