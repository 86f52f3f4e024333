import { describe, expect, it } from 'vitest';
import { commandReveals } from '../../machines/knowledge-commands.js';
import { extractDeclarations } from '../../machines/knowledge-declarations.js';
import { relativeToRoot } from '../../machines/knowledge-paths.js';
import { utf8Length } from '../../machines/knowledge-text.js';
import { emptyKnowledge, observe, renderBrief } from '../../machines/knowledge.js';
import type { Fact, Knowledge, ToolObservation } from '../../machines/knowledge.js';

const ROOTS: Record<string, string> = {
  S1: '/runs/r1/worktrees/S1',
  S2: '/runs/r1/worktrees/S2',
  S3: '/runs/r1/worktrees/S3',
};

function root(storyId: string): string {
  return ROOTS[storyId] ?? `/runs/r1/worktrees/${storyId}`;
}

function read(storyId: string, path: string, text: string, extra: Partial<ToolObservation> = {}): ToolObservation {
  return {
    storyId,
    root: root(storyId),
    kind: 'read',
    name: 'Read',
    paths: [`${root(storyId)}/${path}`],
    ok: true,
    text,
    ...extra,
  };
}

function bash(storyId: string, command: string, ok: boolean, extra: Partial<ToolObservation> = {}): ToolObservation {
  return { storyId, root: root(storyId), kind: 'bash', name: 'Bash', paths: [], command, ok, text: '', ...extra };
}

function edit(storyId: string, path: string, extra: Partial<ToolObservation> = {}): ToolObservation {
  return {
    storyId,
    root: root(storyId),
    kind: 'edit',
    name: 'Edit',
    paths: [`${root(storyId)}/${path}`],
    ok: true,
    text: 'updated',
    ...extra,
  };
}

function search(
  storyId: string,
  pattern: string,
  files: string[],
  extra: Partial<ToolObservation> = {},
): ToolObservation {
  return {
    storyId,
    root: root(storyId),
    kind: 'search',
    name: 'Grep',
    paths: [],
    pattern,
    files,
    ok: true,
    text: '',
    ...extra,
  };
}

// Folds observations in order, collecting every added fact.
function fold(
  observations: readonly ToolObservation[],
  start: Knowledge = emptyKnowledge(),
): { knowledge: Knowledge; added: Fact[] } {
  let knowledge = start;
  const added: Fact[] = [];
  for (const obs of observations) {
    const result = observe(knowledge, obs);
    knowledge = result.knowledge;
    added.push(...result.added);
  }
  return { knowledge, added };
}

describe('paths relative to the story worktree', () => {
  it('relativises absolute and relative paths and drops anything outside', () => {
    const wt = '/runs/r1/worktrees/S1';
    expect(relativeToRoot(wt, `${wt}/src/a.ts`)).toBe('src/a.ts');
    expect(relativeToRoot(`${wt}/`, `${wt}/./src/../lib/b.ts`)).toBe('lib/b.ts');
    expect(relativeToRoot(wt, 'src/a.ts')).toBe('src/a.ts');
    expect(relativeToRoot(wt, wt)).toBeUndefined();
    expect(relativeToRoot(wt, '/runs/r1/worktrees/S10/src/a.ts')).toBeUndefined();
    expect(relativeToRoot(wt, `${wt}/../S2/src/a.ts`)).toBeUndefined();
    expect(relativeToRoot(wt, '/etc/passwd')).toBeUndefined();
    expect(relativeToRoot('C:\\wt\\S1', 'c:\\wt\\S1\\src\\a.ts')).toBe('src/a.ts');
  });

  it('stores one fact for the same file read in two worktrees and ignores files outside', () => {
    const { knowledge, added } = fold([
      read('S1', 'src/math.ts', 'export function add() {}\n'),
      read('S2', 'src/math.ts', 'export function add() {}\n'),
      { ...read('S1', 'x', 'secret'), paths: ['/home/dev/.npmrc'] },
    ]);
    expect(Object.keys(knowledge.files)).toEqual(['src/math.ts']);
    expect(knowledge.files['src/math.ts']).toEqual({ size: 25, declarations: ['add'], readBy: ['S1', 'S2'] });
    expect(added).toEqual([
      { kind: 'file', key: 'src/math.ts', summary: 'src/math.ts (25 B) declares add', storyId: 'S1' },
    ]);
  });
});

describe('observe', () => {
  it('adds nothing when a file is read again, and a changed fact when its size changes', () => {
    const first = fold([read('S1', 'a.py', 'def one():\n  pass\n')]);
    expect(observe(first.knowledge, read('S1', 'a.py', 'def one():\n  pass\n')).added).toEqual([]);
    const grown = observe(first.knowledge, read('S2', 'a.py', 'def one():\n  pass\ndef two():\n  pass\n'));
    expect(grown.added.map((fact) => fact.summary)).toEqual(['a.py (36 B) declares one, two']);
  });

  it('reads declarations through line-number prefixes and prefers the reported file size', () => {
    const { knowledge } = fold([
      read('S1', 'src/math.js', '1\texport function add(a, b) {\n2\t  return a + b;\n3\t}\n4\t', { fileSize: 1234 }),
    ]);
    expect(knowledge.files['src/math.js']).toEqual({ size: 1234, declarations: ['add'], readBy: ['S1'] });
  });

  it('ignores failed reads and other tools', () => {
    const { knowledge, added } = fold([
      read('S1', 'missing.ts', 'File does not exist.', { ok: false }),
      { storyId: 'S1', root: root('S1'), kind: 'other', name: 'WebFetch', paths: [], ok: true, text: 'x' },
    ]);
    expect(added).toEqual([]);
    expect(knowledge).toEqual(emptyKnowledge());
  });

  it('treats a file named __proto__ as an ordinary key', () => {
    const { knowledge } = fold([read('S1', '__proto__', 'x'), edit('S1', 'constructor')]);
    expect(Object.hasOwn(knowledge.files, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(knowledge.files)).toBe(Object.prototype);
    expect(knowledge.changes.constructor).toEqual(['S1']);
  });

  it('records searches by pattern and scope, with hits from files or from content lines', () => {
    const { knowledge, added } = fold([
      search('S1', 'createLimiter', [`${root('S1')}/src/limiter.ts`, '/elsewhere/x.ts']),
      search('S2', 'createLimiter', [`${root('S2')}/src/limiter.ts`]),
      search('S2', 'add', [], {
        paths: [`${root('S2')}/src`],
        text: 'src/math.js:1:export function add(a, b) {\nsrc/math.js:7:add(1, 2)',
      }),
      search('S3', 'x', [], { paths: ['/usr/lib'], text: '/usr/lib/a:1:x' }),
    ]);
    expect(knowledge.searches).toEqual({
      createLimiter: { pattern: 'createLimiter', files: ['src/limiter.ts'], by: ['S1', 'S2'] },
      'add in src': { pattern: 'add', scope: 'src', files: ['src/math.js'], by: ['S2'] },
    });
    expect(added.map((fact) => fact.summary)).toEqual([
      'search "createLimiter" → 1 file: src/limiter.ts',
      'search "add" in src → 1 file: src/math.js',
    ]);
  });

  it('records who changed which file, once per story', () => {
    const { knowledge, added } = fold([
      edit('S1', 'src/a.ts'),
      edit('S1', 'src/a.ts'),
      { ...edit('S2', 'src/a.ts'), kind: 'write' },
      edit('S3', 'src/b.ts', { ok: false }),
    ]);
    expect(knowledge.changes).toEqual({ 'src/a.ts': ['S1', 'S2'] });
    expect(added.map((fact) => [fact.storyId, fact.summary])).toEqual([
      ['S1', 'src/a.ts changed by S1'],
      ['S2', 'src/a.ts changed by S1, S2'],
    ]);
  });

  it('keeps the last result of project commands, the same across worktrees', () => {
    const { knowledge, added } = fold([
      bash('S1', `cd ${root('S1')} && npm test 2>&1 | tail -20`, true),
      bash('S2', `cd ${root('S2')} && npm test`, true, { exitCode: 0 }),
      bash('S2', 'npm test', false, { text: 'Exit code 1\nFAIL test/a.test.ts' }),
      bash('S3', 'npm run build', false, { text: 'This command requires approval' }),
      bash('S3', 'ls -la', true),
    ]);
    expect(knowledge.commands).toEqual({
      'npm test': {
        label: 'test runner',
        reveals: 'test runner: npm test',
        ok: false,
        exitCode: 1,
        by: ['S1', 'S2'],
        lastBy: 'S2',
      },
    });
    expect(added.map((fact) => fact.summary)).toEqual([
      'test runner: npm test → passed (exit 0)',
      'test runner: npm test → failed (exit 1)',
    ]);
  });

  it('stays plain JSON', () => {
    const { knowledge } = fold([
      read('S1', 'a.ts', 'export const a = 1;'),
      search('S1', 'a', ['a.ts']),
      bash('S1', 'npx vitest run', true),
      edit('S1', 'a.ts'),
    ]);
    expect(JSON.parse(JSON.stringify(knowledge))).toEqual(knowledge);
  });
});

describe('extractDeclarations', () => {
  it('finds TypeScript and JavaScript exports', () => {
    const ts = [
      'import { x } from "./x.js";',
      'export async function loadPlan() {}',
      'export function* walk() {}',
      'export const slugify = () => 1;',
      'export default class Planner {}',
      'export interface Plan {}',
      'export type Story = {};',
      'export const enum Tier { A }',
      'export abstract class Base {}',
      'export { helper, other as renamed, type Shape };',
      'const local = 1;',
      'export default {};',
    ].join('\n');
    expect(extractDeclarations('src/plan.ts', ts)).toEqual([
      'loadPlan',
      'walk',
      'slugify',
      'Planner',
      'Plan',
      'Story',
      'Tier',
      'Base',
      'helper',
      'renamed',
      'Shape',
      'default',
    ]);
    expect(extractDeclarations('lib/a.cjs', 'module.exports = { parse, format: fmt, run() {} };')).toEqual([
      'parse',
      'format',
      'run',
    ]);
    expect(extractDeclarations('lib/b.js', 'module.exports = function build() {};\nexports.extra = 1;')).toEqual([
      'build',
      'extra',
    ]);
    expect(extractDeclarations('lib/c.js', "module.exports = require('./d');")).toEqual(['module.exports']);
  });

  it('finds Python definitions at column 0 only', () => {
    const py =
      'import os\nclass Limiter:\n    def refill(self):\n        pass\ndef create_limiter():\n    pass\nasync def serve():\n    pass\n';
    expect(extractDeclarations('app/limiter.py', py)).toEqual(['Limiter', 'create_limiter', 'serve']);
  });

  it('finds Go functions, methods and types', () => {
    const go =
      'package x\n\ntype Bucket struct{}\n\nfunc New() *Bucket { return nil }\n\nfunc (b *Bucket) Take() bool { return true }\nfunc (Stack[T]) Push() {}\n';
    expect(extractDeclarations('bucket.go', go)).toEqual(['Bucket', 'New', 'Bucket.Take', 'Stack.Push']);
  });

  it('finds public Rust items only', () => {
    const rs =
      'pub struct Bucket;\nfn private() {}\npub(crate) fn helper() {}\npub async fn serve() {}\npub const fn limit() -> u32 { 1 }\npub const MAX: u32 = 3;\npub trait Take {}\npub enum Mode { A }\n';
    expect(extractDeclarations('src/lib.rs', rs)).toEqual([
      'Bucket',
      'helper',
      'serve',
      'limit',
      'MAX',
      'Take',
      'Mode',
    ]);
  });

  it('knows nothing about other files and stops at 20 names', () => {
    expect(extractDeclarations('README.md', 'export function x() {}')).toEqual([]);
    const many = Array.from({ length: 30 }, (_, i) => `export const n${i} = ${i};`).join('\n');
    expect(extractDeclarations('many.ts', many)).toHaveLength(20);
  });
});

describe('commandReveals', () => {
  it.each([
    ['npm test', 'test runner: npm test'],
    ['npm run test:unit -- --run', 'test runner: npm run test:unit -- --run'],
    ['pnpm build', 'build: pnpm build'],
    ['yarn lint', 'lint: yarn lint'],
    ['npx -y vitest run', 'test runner: npx -y vitest run'],
    ['npx tsc --noEmit', 'typecheck: npx tsc --noEmit'],
    ['npm ci && npm run typecheck', 'install: npm ci'],
    ['CI=1 npx jest', 'test runner: CI=1 npx jest'],
    ['python -m pytest -q', 'test runner: python -m pytest -q'],
    ['pytest tests/', 'test runner: pytest tests/'],
    ['cargo clippy --all', 'lint: cargo clippy --all'],
    ['cargo test', 'test runner: cargo test'],
    ['go test ./...', 'test runner: go test ./...'],
    ['go vet ./...', 'lint: go vet ./...'],
    ['make', 'build: make'],
    ['make test', 'test runner: make test'],
    ['./gradlew build', 'build: ./gradlew build'],
    ['mvn -q verify', 'test runner: mvn -q verify'],
    ['npx eslint src >/dev/null', 'lint: npx eslint src'],
    ['node --test test/', 'test runner: node --test test/'],
  ])('%s', (command, reveals) => {
    expect(commandReveals(command)).toBe(reveals);
  });

  it.each(['ls -la', 'cat package.json', 'git status', 'npm run dev', 'grep -rn foo src', 'make deploy'])(
    '%s reveals nothing',
    (command) => {
      expect(commandReveals(command)).toBeUndefined();
    },
  );
});

describe('renderBrief', () => {
  it('is empty for empty knowledge and for facts only the story itself produced', () => {
    expect(renderBrief(emptyKnowledge(), { forStory: 'S1' })).toBe('');
    const { knowledge } = fold([
      read('S1', 'a.ts', 'export const a = 1;'),
      bash('S1', 'npm test', true),
      edit('S1', 'a.ts'),
      search('S1', 'a', ['a.ts']),
    ]);
    expect(renderBrief(knowledge, { forStory: 'S1' })).toBe('');
  });

  it("lists what other stories learned, commands first, without the reader's own facts", () => {
    const { knowledge } = fold([
      read('S2', 'src/limiter.ts', 'export function createLimiter() {}\n'),
      read('S1', 'src/own.ts', 'export const mine = 1;\n'),
      bash('S2', 'npm test', false, { exitCode: 1 }),
      edit('S1', 'src/shared.ts'),
      edit('S2', 'src/shared.ts'),
      search('S3', 'createLimiter', [`${root('S3')}/src/limiter.ts`]),
    ]);
    expect(renderBrief(knowledge, { forStory: 'S1' })).toBe(
      [
        '## What other agents already learned',
        '',
        '### Project commands (last result)',
        '- test runner: `npm test` → failed (exit 1) (last run by S2)',
        '',
        '### Files other stories changed',
        '- `src/shared.ts` by S2',
        '',
        '### Files read (size: declarations)',
        '- `src/limiter.ts` (35 B): createLimiter',
        '',
        '### Searches',
        '- `createLimiter` → `src/limiter.ts`',
        '',
      ].join('\n'),
    );
  });

  it('stays within 4 KB on a line boundary and counts what it left out', () => {
    const observations = Array.from({ length: 300 }, (_, i) =>
      read(
        `S${(i % 3) + 2}`,
        `src/module-${i}/index.ts`,
        `export function handler${i}() {}\nexport const config${i} = {};\n`,
      ),
    );
    const { knowledge } = fold(observations);
    const brief = renderBrief(knowledge, { forStory: 'S1' });
    expect(utf8Length(brief)).toBeLessThanOrEqual(4096);
    expect(utf8Length(brief)).toBeGreaterThan(3500);
    expect(brief.endsWith('\n')).toBe(true);
    const lines = brief.trimEnd().split('\n');
    const shown = lines.filter((line) => line.startsWith('- ')).length;
    expect(lines.at(-1)).toBe(`…and ${300 - shown} more facts`);
    expect(
      lines
        .filter((line) => line.startsWith('- '))
        .every((line) => /^- `src\/module-\d+\/index\.ts` \(\d+ B\): handler\d+, config\d+$/.test(line)),
    ).toBe(true);
  });

  it('honours a smaller budget and returns nothing when not even one fact fits', () => {
    const { knowledge } = fold(['a', 'b', 'c'].map((name) => read('S2', `${name}.ts`, `export const ${name} = 1;`)));
    expect(utf8Length(renderBrief(knowledge, { forStory: 'S1' }))).toBeGreaterThan(125);
    const small = renderBrief(knowledge, { forStory: 'S1', maxBytes: 125 });
    expect(utf8Length(small)).toBeLessThanOrEqual(125);
    expect(small.split('\n').slice(-4)).toEqual(['- `a.ts` (19 B): a', '', '…and 2 more facts', '']);
    expect(renderBrief(knowledge, { forStory: 'S1', maxBytes: 100 })).toBe('');
  });
});
