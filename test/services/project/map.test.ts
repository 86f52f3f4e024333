import { describe, expect, it } from 'vitest';
import { SUMMARY_BYTES } from '../../../services/project/summary.js';
import { buildRepoMap } from '../../../services/project/map.js';
import { ECOSYSTEMS } from '../../helpers/ecosystems.js';
import { git, makeTempRepo, useGitSandbox } from '../../helpers/repo.js';

useGitSandbox();

async function mapFiles(files: Readonly<Record<string, string>>) {
  const repoDir = await makeTempRepo({ files });
  return buildRepoMap({ repoDir, commit: await git(repoDir, 'rev-parse', 'HEAD') });
}

const manyFolders = Object.fromEntries(
  Array.from({ length: 120 }, (_, i) => [`module-${String(i).padStart(3, '0')}/sub-${i % 9}/file.ts`, 'export {};\n']),
);

describe('buildRepoMap', () => {
  it('counts files and bytes, and the language mix by bytes, largest first', async () => {
    const map = await mapFiles({
      'src/a.ts': 'x'.repeat(300),
      'src/b.tsx': 'x'.repeat(100),
      'tools/run.py': 'x'.repeat(200),
      'README.md': '# r\n',
      'package-lock.json': 'x'.repeat(5000),
    });
    expect(map.files).toEqual({ count: 5, bytes: 5604 });
    expect(map.languages).toEqual([
      { name: 'TypeScript', files: 2, bytes: 400 },
      { name: 'Python', files: 1, bytes: 200 },
    ]);
    expect(map.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('summarises tree, manifests, commands and the guides, in order', async () => {
    const map = await mapFiles({
      ...ECOSYSTEMS.go,
      'CLAUDE.md': '# Rules\nRun make test before committing.\n',
      'AGENTS.md': 'Agents: keep functions small.\n',
      'README.md': '# svc\nA service.\n',
    });
    const { summary } = map;
    const order = ['# Repository map', '## Tree', '## Manifests', '## Commands', '## CLAUDE.md', '## AGENTS.md'];
    const positions = [...order, '## README.md'].map((heading) => summary.indexOf(heading));
    expect(positions.every((at, i) => at >= 0 && (i === 0 || at > (positions[i - 1] ?? 0)))).toBe(true);
    expect(summary).toContain('internal/ — 1 file');
    expect(summary).toContain('- go.mod (go)');
    expect(summary).toContain('- test: `go test ./...`');
    expect(summary).toContain('Run make test before committing.');
    expect(summary).toContain('Languages by size: Go 100% (2 files)');
  });

  it('stays within its bound on a large tree and long guides, and says what it cut', async () => {
    const long = Array.from({ length: 2000 }, (_, i) => `Line ${i}: ünïcödé text – ${'ж'.repeat(20)}`).join('\n');
    const map = await mapFiles({ ...manyFolders, 'CLAUDE.md': long, 'AGENTS.md': long, 'README.md': long });
    expect(Buffer.byteLength(map.summary)).toBeLessThanOrEqual(SUMMARY_BYTES);
    expect(map.summary).toMatch(/more lines? of outline cut/);
    expect(map.summary).toMatch(/\[… [\d,]+ more lines cut\]/);
    expect(map.summary).toContain('## README.md (excerpt)');
    expect(map.files.count).toBe(123);
  });

  it('keeps control characters out of the excerpts', async () => {
    const map = await mapFiles({ 'README.md': '# a\u001b[31m red\u0007 title\n' });
    expect(map.summary).toContain('# a[31m red title');
    expect([...map.summary].some((char) => char === '\u0007' || char === '\u001b')).toBe(false);
  });

  it('lists nested manifests after the root ones, vendored ones left out', async () => {
    const map = await mapFiles({
      'go.mod': 'module m\n',
      'tools/gen/go.mod': 'module gen\n',
      'vendor/x/go.mod': 'module x\n',
      'web/package.json': '{}\n',
    });
    expect(map.manifests).toEqual([
      { path: 'go.mod', kind: 'go' },
      { path: 'web/package.json', kind: 'npm' },
      { path: 'tools/gen/go.mod', kind: 'go' },
    ]);
  });
});
