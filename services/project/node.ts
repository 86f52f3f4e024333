// JavaScript and TypeScript: the package manager from the lock file, the scripts package.json really has, workspaces.
import { z } from 'zod';
import type { Ecosystem } from './ecosystem.js';
import type { ProjectFiles } from './files.js';

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

const LOCKS: readonly (readonly [string, PackageManager])[] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

const SCRIPTS = {
  build: ['build'],
  typecheck: ['typecheck', 'type-check', 'check-types', 'types:check', 'tsc'],
  lint: ['lint'],
  test: ['test'],
} as const;

// What `npm init` writes: a test script that only fails.
const PLACEHOLDER_TEST = /no test specified/;

const packageJsonSchema = z.looseObject({
  scripts: z.record(z.string(), z.unknown()).optional(),
  workspaces: z.union([z.array(z.string()), z.looseObject({ packages: z.array(z.string()).optional() })]).optional(),
  packageManager: z.string().optional(),
});
type PackageJson = z.infer<typeof packageJsonSchema>;

// A broken package.json is the agents' problem to fix, not a reason to stop mapping.
function parsePackageJson(text: string | undefined): PackageJson {
  if (text === undefined) return {};
  try {
    const parsed = packageJsonSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch (error) {
    if (error instanceof SyntaxError) return {};
    throw error;
  }
}

const scriptsOf = (pkg: PackageJson): Map<string, string> =>
  new Map(
    Object.entries(pkg.scripts ?? {}).flatMap(([name, body]) =>
      typeof body === 'string' && !(name === 'test' && PLACEHOLDER_TEST.test(body)) ? [[name, body]] : [],
    ),
  );

/** The package manager the lock file names, else package.json's `packageManager`, else npm. */
function packageManager(files: ProjectFiles, pkg: PackageJson = {}): PackageManager {
  const paths = new Set(files.paths);
  const locked = LOCKS.find(([lock]) => paths.has(lock));
  if (locked) return locked[1];
  const declared = pkg.packageManager?.split('@')[0];
  return declared === 'pnpm' || declared === 'yarn' || declared === 'bun' ? declared : 'npm';
}

function installCommand(pm: PackageManager, locked: boolean): string {
  if (pm === 'npm') return locked ? 'npm ci' : 'npm install';
  if (pm === 'pnpm') return locked ? 'pnpm install --frozen-lockfile' : 'pnpm install';
  return `${pm} install`;
}

// `bun test` is bun's own test runner, not the package's test script.
const runScript = (pm: PackageManager, script: string): string =>
  script === 'test' && pm !== 'bun' ? `${pm} test` : `${pm} run ${script}`;

/** pnpm's workspace patterns: the `packages:` list of pnpm-workspace.yaml. */
function pnpmWorkspaces(text: string | undefined): string[] {
  if (text === undefined) return [];
  const list = /^packages:\s*\n((?:[ \t]*(?:-.*|#.*)?\n?)*)/m.exec(text)?.[1] ?? '';
  return [...list.matchAll(/^[ \t]*-[ \t]*['"]?([^'"#\n]+?)['"]?[ \t]*(?:#.*)?$/gm)].map((m) => m[1] ?? '');
}

function workspacesOf(pkg: PackageJson, files: ProjectFiles): string[] {
  const declared = Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces?.packages ?? []);
  return [...declared, ...pnpmWorkspaces(files.text('pnpm-workspace.yaml'))];
}

export const node: Ecosystem = {
  reads: ['package.json', 'pnpm-workspace.yaml'],
  detect(files) {
    const text = files.text('package.json');
    if (text === undefined) return undefined;
    const pkg = parsePackageJson(text);
    const pm = packageManager(files, pkg);
    const scripts = scriptsOf(pkg);
    const pick = (names: readonly string[]) => {
      const name = names.find((candidate) => scripts.has(candidate));
      return name === undefined ? undefined : runScript(pm, name);
    };
    const locked = LOCKS.some(([lock, owner]) => owner === pm && files.paths.includes(lock));
    const workspaces = workspacesOf(pkg, files);
    return {
      name: 'node',
      manifests: [{ path: 'package.json', kind: pm, ...(workspaces.length > 0 ? { workspaces } : {}) }],
      commands: {
        install: installCommand(pm, locked),
        build: pick(SCRIPTS.build),
        typecheck: pick(SCRIPTS.typecheck),
        lint: pick(SCRIPTS.lint),
        test: pick(SCRIPTS.test),
      },
      extra: [
        `${pm} install`,
        ...(pm === 'npm' ? ['npm ci'] : [`${pm} add`]),
        ...[...scripts.keys()].map((script) => runScript(pm, script)),
      ],
    };
  },
};
