// Small repositories of each ecosystem the Cartographer and the gates detect, as files a test commits with real git.
import { makeTempRepo } from './repo.js';

const packageJson = (value: object): string => `${JSON.stringify(value, null, 2)}\n`;

export const ECOSYSTEMS = {
  npm: {
    'package.json': packageJson({
      name: 'web',
      scripts: { build: 'tsc', typecheck: 'tsc --noEmit', lint: 'eslint .', test: 'vitest run', 'test:e2e': 'x' },
    }),
    'package-lock.json': '{}\n',
    'src/index.ts': 'export const one = 1;\n',
  },
  pnpmWorkspaces: {
    'package.json': packageJson({ name: 'mono', private: true, scripts: { build: 'turbo build', test: 'turbo test' } }),
    'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
    'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - apps/web # the site\n",
    'packages/core/package.json': packageJson({ name: '@mono/core' }),
    'packages/core/index.js': 'export default 1;\n',
  },
  yarn: {
    'package.json': packageJson({ name: 'y', workspaces: ['libs/*'], scripts: { lint: 'eslint .', test: 'jest' } }),
    'yarn.lock': '# yarn lockfile v1\n',
    'libs/a/package.json': packageJson({ name: 'a' }),
  },
  bun: {
    'package.json': packageJson({ name: 'b', scripts: { test: 'bun test', 'check-types': 'tsc' } }),
    'bun.lock': '{}\n',
    'index.ts': 'console.log(1);\n',
  },
  npmInit: {
    'package.json': packageJson({ name: 'fresh', scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
  },
  rust: {
    'Cargo.toml': '[workspace]\nmembers = [\n  "crates/core",\n  "crates/cli",\n]\n',
    'crates/core/Cargo.toml': '[package]\nname = "core"\n',
    'crates/core/src/lib.rs': 'pub fn one() -> u8 { 1 }\n',
  },
  go: {
    'go.mod': 'module example.com/svc\n\ngo 1.22\n',
    'main.go': 'package main\n\nfunc main() {}\n',
    'internal/x/x_test.go': 'package x\n',
  },
  pytest: {
    'pyproject.toml': '[project]\nname = "pkg"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n[tool.ruff]\n',
    'uv.lock': 'version = 1\n',
    'pkg/__init__.py': '',
    'tests/test_pkg.py': 'def test_one():\n    assert True\n',
  },
  unittest: {
    'requirements.txt': 'requests==2.32.3\n',
    'app.py': 'print("hi")\n',
  },
  make: {
    Makefile:
      '.PHONY: all test lint\nCC := cc\nall: app\napp: main.c\n\t$(CC) -o app main.c\ntest lint: app\n\t./app\n',
    'main.c': 'int main(void) { return 0; }\n',
  },
  maven: {
    'pom.xml': '<project><modelVersion>4.0.0</modelVersion></project>\n',
    'src/main/java/App.java': 'class App {}\n',
  },
  gradle: {
    'build.gradle.kts': 'plugins { java }\n',
    'settings.gradle.kts': 'rootProject.name = "g"\n',
    gradlew: '#!/bin/sh\n',
    'src/main/kotlin/App.kt': 'fun main() {}\n',
  },
  dotnet: {
    'App.sln': 'Microsoft Visual Studio Solution File\n',
    'src/App/App.csproj': '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
    'src/App/Program.cs': 'class Program {}\n',
    'tests/App.Tests/App.Tests.csproj': '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
  },
  goWithMake: {
    'go.mod': 'module example.com/m\n',
    'main.go': 'package main\n',
    Makefile: 'test:\n\tgo test -race ./...\n',
  },
} as const satisfies Record<string, Readonly<Record<string, string>>>;

export type EcosystemName = keyof typeof ECOSYSTEMS;

/** A temp repository (one commit on main) holding the named fixture's files. */
export const makeEcosystemRepo = (name: EcosystemName): Promise<string> => makeTempRepo({ files: ECOSYSTEMS[name] });
