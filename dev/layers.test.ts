import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerViolations } from './layers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('layers', () => {
  it('no production file imports a folder above its own, or the engine past engine/index.ts', () => {
    expect(layerViolations(ROOT)).toEqual([]);
  });

  it('finds an engine file importing the domain, and a pipeline reaching into the engine', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));
    try {
      const write = (file: string, text: string): void => {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
      };
      write('engine/index.ts', "export * from './dsl/x.ts';\n");
      write('engine/dsl/x.ts', "import type { T } from '../../schemas/types.ts';\n");
      write('schemas/types.ts', 'export type T = 1;\n');
      write('pipelines/p/topology.ts', "import { x } from '../../engine/dsl/x.ts';\nimport { y } from '../../engine/index.ts';\n");
      write('pipelines/p/topology.test.ts', "import { z } from '../../cli/main.ts';\n");
      expect(layerViolations(root)).toEqual([
        { file: 'pipelines/p/topology.ts', imports: 'engine/dsl/x.ts' },
        { file: 'engine/dsl/x.ts', imports: 'schemas/types.ts' },
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
