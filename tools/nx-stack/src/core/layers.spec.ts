import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeViolation, layerViolations } from './layers';

describe('layers: imports only point downward', () => {
  it('the plugin itself has no import into a higher layer', () => {
    const violations = layerViolations(join(__dirname, '..'));
    expect(violations.map(describeViolation)).toEqual([]);
  });

  describe('on a fixture', () => {
    let src: string;
    beforeEach(() => {
      src = mkdtempSync(join(tmpdir(), 'nx-stack-layers-'));
    });
    afterEach(() => rmSync(src, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(src, file)), { recursive: true });
      writeFileSync(join(src, file), text);
    };

    it('a deliberately wrong import (kinds → lifecycle) is reported with file, line and layers', () => {
      write('lifecycle/up.ts', 'export const up = 1;\n');
      write('core/naming.ts', 'export const n = 1;\n');
      write('kinds/etcd/probe.ts', "import { n } from '../../core/naming';\n\nimport { up } from '../../lifecycle/up';\nexport const x = n + up;\n");
      const violations = layerViolations(src);
      expect(violations).toEqual([{ file: 'kinds/etcd/probe.ts', line: 3, specifier: '../../lifecycle/up', from: 'kinds', to: 'lifecycle' }]);
      expect(describeViolation(violations[0])).toMatch(/kinds\/etcd\/probe\.ts:3 imports '\.\.\/\.\.\/lifecycle\/up': kinds must not depend on lifecycle/);
    });

    it('re-exports, type imports, multi-line imports and require() count too', () => {
      write('executors/x.ts', 'export type X = 1;\n');
      write('core/a.ts', "export { X } from '../executors/x';\n");
      write('core/b.ts', "import type {\n  X,\n} from '../executors/x';\nexport type Y = X;\n");
      write('core/c.ts', "const m = require('../executors/x');\nexport default m;\n");
      expect(layerViolations(src).map((v) => v.file).sort()).toEqual(['core/a.ts', 'core/b.ts', 'core/c.ts']);
    });

    it('downward and same-layer imports pass; specs are exempt; a folder of no layer is reported', () => {
      write('core/errors.ts', 'export const e = 1;\n');
      write('testing/fake.ts', "import { e } from '../core/errors';\nexport const f = e;\n");
      write('simulation/run.ts', "import { e } from '../core/errors';\nexport const r = e;\n");
      write('kinds/etcd/probe.spec.ts', "import { f } from '../../testing/fake';\nimport { r } from '../../simulation/run';\nexport const s = f + r;\n");
      write('kinds/etcd/probe.ts', "import { f } from '../../testing/fake';\nexport const p = f;\n");
      write('misc/thing.ts', "import { e } from '../core/errors';\nexport const t = e;\n");
      expect(layerViolations(src).map((v) => `${v.file}→${v.to}`).sort()).toEqual(['kinds/etcd/probe.ts→testing', 'misc/thing.ts→core']);
    });
  });
});
