// The dependency rules of docs/ARCHITECTURE.md, as .dependency-cruiser.cjs states them, over runtime/, lib/, bin/.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Step { name: string; dependencyTypes: string[] }
interface Violation {
  type: string;
  from: string;
  to: string;
  rule: { name: string };
  cycle?: Step[];
  via?: Step[];
}
interface Cruise {
  modules: { source: string; dependencies: { resolved: string; dependencyTypes: string[] }[] }[];
  summary: { violations: Violation[]; totalCruised: number };
}

function cruise(cwd: string): Cruise {
  // depcruise exits non-zero when it finds violations; the JSON on stdout is the answer either way.
  try {
    return JSON.parse(execFileSync(process.execPath, [DEPCRUISE, 'runtime', 'lib', 'bin', '--config', CONFIG, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  } catch (err) {
    const stdout = (err as { stdout?: string }).stdout;
    if (stdout) return JSON.parse(stdout);
    throw err;
  }
}

// Each step names the module an edge leads to and that edge's kinds; an edge only a type needs reads →(type).
const path = (from: string, steps: Step[]) =>
  from + steps.map((s) => (s.dependencyTypes.includes('type-only') ? ' →(type) ' : ' → ') + s.name).join('');

/** One line per violation: the rule, then the path (a cycle back to its start, a reachable rule through its via). */
function explain(v: Violation): string {
  if (v.cycle) return `${v.rule.name}: ${path(v.from, v.cycle)}`;
  if (v.via?.length) return `${v.rule.name}: ${path(v.from, v.via)}`;
  return `${v.rule.name}: ${v.from} → ${v.to}`;
}

function report(violations: Violation[]): string {
  return violations.map(explain).sort().join('\n');
}

describe('architecture: dependency rules over runtime/, lib/, bin/', () => {
  let repo: Cruise;
  beforeAll(() => { repo = cruise(ROOT); }, 60_000);

  it('cruises the real tree: every module, lazy require() and type-only imports included', () => {
    expect(repo.summary.totalCruised).toBeGreaterThan(100);
    const edges = (from: string) => repo.modules.find((m) => m.source === from)?.dependencies ?? [];
    // bin/destfn.ts loads each command with a lazy require(): those are edges too.
    expect(edges('bin/destfn.ts').map((d) => d.resolved)).toContain('runtime/cli/run.ts');
    // A handler and what it imports are in the graph (the handlers rule is only as good as this).
    expect(edges('runtime/aws/destination-handler.ts').length).toBeGreaterThan(0);
    expect(repo.modules.some((m) => m.dependencies.some((d) => d.dependencyTypes.includes('type-only')))).toBe(true);
  });

  it('has no import cycle, nothing under runtime/ imports lib/, the Lambda handlers never reach runtime/local or runtime/cli', () => {
    // A failure lists each cycle and each offending import, one a line.
    expect(report(repo.summary.violations)).toBe('');
  });

  describe('the rules catch what they forbid (a small tree made for it)', () => {
    let dir: string;
    let found: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'destfn-arch-'));
      const files: Record<string, string> = {
        'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node', strict: true } }),
        'runtime/a.ts': "import type { B } from './b';\nexport interface A { b?: B }\n",
        'runtime/b.ts': "import { a } from './a-value';\nexport interface B { n: number }\nexport const b = a;\n",
        'runtime/a-value.ts': "import type { A } from './a';\nexport const a: A = {};\n",
        'runtime/names.ts': "import { NAME } from '../lib/names';\nexport const name = NAME;\n",
        'lib/names.ts': "export const NAME = 'x';\n",
        'runtime/aws/x-handler.ts': "import { helper } from './helper';\nexport const handler = helper;\n",
        'runtime/aws/helper.ts': "export const helper = () => require('../cli/format');\n",
        'runtime/cli/format.ts': 'export const format = 1;\n',
        'bin/x.ts': "import '../runtime/names';\n",
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      found = report(cruise(dir).summary.violations);
    }, 60_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a cycle through type-only imports', () => {
      // runtime/a.ts →(type) b.ts → a-value.ts →(type) a.ts, told from whichever module the cruise met first.
      const cycle = found.split('\n').find((l) => l.startsWith('no-circular:')) ?? '';
      expect(cycle).toMatch(/runtime\/a\.ts →\(type\) runtime\/b\.ts → runtime\/a-value\.ts|runtime\/b\.ts → runtime\/a-value\.ts →\(type\) runtime\/a\.ts/);
      expect(cycle.match(/→\(type\)/g)).toHaveLength(2);
    });
    it('runtime/ importing lib/', () => {
      expect(found).toContain('runtime-not-to-lib: runtime/names.ts → lib/names.ts');
    });
    it('a handler reaching runtime/cli through another module', () => {
      expect(found).toMatch(/handlers-not-to-local-or-cli: runtime\/aws\/x-handler\.ts → .*runtime\/cli\/format\.ts/);
    });
  });
});
