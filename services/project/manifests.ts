// Every manifest in the tree by file name, shallowest first: the map lists the nested ones the detectors do not read.
import type { Manifest } from './ecosystem.js';
import { baseName } from './files.js';

const KINDS: Readonly<Record<string, string>> = {
  'package.json': 'node',
  'Cargo.toml': 'cargo',
  'go.mod': 'go',
  'pyproject.toml': 'python',
  'setup.py': 'python',
  'requirements.txt': 'python',
  Pipfile: 'python',
  'pom.xml': 'maven',
  'build.gradle': 'gradle',
  'build.gradle.kts': 'gradle',
  Makefile: 'make',
  GNUmakefile: 'make',
};

const DOTNET = /\.(sln|slnx|csproj|fsproj|vbproj)$/;

// Dependencies checked into the tree are someone else's project.
const VENDORED = /(^|\/)(node_modules|vendor|third_party|bower_components)\//;

const kindOf = (path: string): string | undefined =>
  KINDS[baseName(path)] ?? (DOTNET.test(path) ? 'dotnet' : undefined);

const depth = (path: string): number => path.split('/').length;

/** The detectors' root manifests, then every other manifest in the tree, at most `limit` in all. */
export function allManifests(paths: readonly string[], detected: readonly Manifest[], limit: number): Manifest[] {
  const known = new Set(detected.map((manifest) => manifest.path));
  const nodeKind = detected.find((manifest) => manifest.path === 'package.json')?.kind ?? 'npm';
  const nested = paths
    .filter((path) => !known.has(path) && !VENDORED.test(path))
    .flatMap((path) => {
      const kind = kindOf(path);
      return kind === undefined ? [] : [{ path, kind: kind === 'node' ? nodeKind : kind }];
    })
    .sort((a, b) => depth(a.path) - depth(b.path) || (a.path < b.path ? -1 : 1));
  return [...detected, ...nested].slice(0, limit);
}
