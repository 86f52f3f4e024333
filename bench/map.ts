// The Cartographer on a 20,000-file repository: the cold map (scan and save) and the cached one, through the real actor.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { createActor, toPromise } from 'xstate';
import { provideCartographer } from '../actors/cartographer.js';
import type { RepoMap } from '../machines/repo-map.js';

const FOLDERS = 20;
const SUBFOLDERS = 10;
const FILES_PER_SUBFOLDER = 100;
const TARGET_COLD_MS = 1000;
const TARGET_CACHED_MS = 100;
const RUNS = 3;

const EXTENSIONS = ['ts', 'go', 'py', 'rs', 'md'] as const;

const ROOT_FILES: Readonly<Record<string, string>> = {
  'package.json': JSON.stringify({ workspaces: ['packages/*'], scripts: { build: 'tsc', test: 'vitest run' } }),
  'package-lock.json': '{}',
  'go.mod': 'module example.com/bench\n',
  Makefile: 'lint:\n\tgolangci-lint run\n',
  'README.md': `# bench\n${'A line of the README.\n'.repeat(400)}`,
  'CLAUDE.md': `# Rules\n${'Keep it small.\n'.repeat(200)}`,
};

/** A fast-import stream of one commit holding every file, so no working tree is written. */
function importStream(): string {
  const parts = ['commit refs/heads/main', 'committer Bench <bench@example.invalid> 0 +0000', 'data 4', 'init'];
  const add = (path: string, content: string) =>
    parts.push(`M 100644 inline ${path}`, `data ${Buffer.byteLength(content)}`, content);
  for (const [path, content] of Object.entries(ROOT_FILES)) add(path, content);
  for (let folder = 0; folder < FOLDERS; folder += 1) {
    for (let sub = 0; sub < SUBFOLDERS; sub += 1) {
      for (let file = 0; file < FILES_PER_SUBFOLDER; file += 1) {
        const extension = EXTENSIONS[file % EXTENSIONS.length] ?? 'ts';
        add(`pkg${folder}/mod${sub}/file${file}.${extension}`, `// ${folder}/${sub}/${file}\n`.repeat(1 + (file % 7)));
      }
    }
  }
  return `${parts.join('\n')}\n`;
}

async function makeRepository(root: string): Promise<string> {
  const repoDir = join(root, 'repo');
  await execa('git', ['init', '--quiet', '--initial-branch=main', repoDir]);
  await execa('git', ['fast-import', '--quiet'], { cwd: repoDir, input: importStream() });
  return repoDir;
}

async function timed(home: string, repoDir: string): Promise<{ ms: number; map: RepoMap }> {
  const started = performance.now();
  const map = await toPromise(createActor(provideCartographer({ home }), { input: { repoDir } }).start());
  return { ms: performance.now() - started, map };
}

const ms = (value: number) => `${Math.round(value)} ms`;
const verdict = (value: number, target: number) =>
  `${ms(value)} (target ≤ ${ms(target)}, ${(value / target).toFixed(2)}× the target) ${value <= target ? '✓' : '✗ missed'}`;
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function benchMap(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'baro-bench-map-'));
  try {
    const repoDir = await makeRepository(root);
    const cold: number[] = [];
    const cached: number[] = [];
    let map: RepoMap | undefined;
    for (let run = 0; run < RUNS; run += 1) {
      const home = join(root, `home-${run}`);
      const first = await timed(home, repoDir);
      cold.push(first.ms);
      cached.push((await timed(home, repoDir)).ms);
      map = first.map;
    }
    console.log(
      `repository map: ${map?.files.count.toLocaleString('en')} files, summary ${Buffer.byteLength(map?.summary ?? '')} bytes, median of ${RUNS}`,
    );
    console.log(
      `  cold (git ls-tree, cat-file, detection, summary, cache write): ${verdict(median(cold), TARGET_COLD_MS)}`,
    );
    console.log(`  cached (HEAD, cache read and validation): ${verdict(median(cached), TARGET_CACHED_MS)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  await benchMap();
}
