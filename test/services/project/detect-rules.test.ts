import { describe, expect, it } from 'vitest';
import { detectProject } from '../../../services/project/detect.js';
import { filesFrom } from '../../../services/project/files.js';
import { makeTargets } from '../../../services/project/make.js';

const detect = (files: Readonly<Record<string, string>>) =>
  detectProject(filesFrom(Object.keys(files), new Map(Object.entries(files))));

describe('detection rules, on files in memory', () => {
  it('package.json `packageManager` names the manager when there is no lock file', () => {
    const found = detect({ 'package.json': JSON.stringify({ packageManager: 'pnpm@9.1.0', scripts: { lint: 'x' } }) });
    expect(found.commands).toEqual({ install: 'pnpm install', lint: 'pnpm run lint' });
  });

  it('an unreadable package.json is still an npm project, with no scripts', () => {
    expect(detect({ 'package.json': '{ not json' }).commands).toEqual({ install: 'npm install' });
  });

  it('every package script is runnable by agents, the checks too', () => {
    const found = detect({ 'package.json': JSON.stringify({ scripts: { 'test:unit': 'x', dev: 'y' } }) });
    expect(found.runnable).toEqual(['npm install', 'npm ci', 'npm run test:unit', 'npm run dev']);
  });

  it('Python tests without configuration still mean pytest; poetry and mypy', () => {
    const found = detect({
      'pyproject.toml': '[tool.poetry]\nname = "x"\n\n[tool.mypy]\nstrict = true\n',
      'poetry.lock': '',
      'tests/test_a.py': '',
    });
    expect(found.commands).toEqual({
      install: 'poetry install',
      typecheck: 'poetry run mypy .',
      test: 'poetry run pytest',
    });
  });

  it('pytest configured in setup.cfg or tox.ini, or a conftest.py', () => {
    expect(detect({ 'setup.cfg': '[tool:pytest]\n' }).commands.test).toBe('pytest');
    expect(detect({ 'setup.py': '', 'tox.ini': '[pytest]\n' }).commands.test).toBe('pytest');
    expect(detect({ 'setup.py': '', 'conftest.py': '' }).commands.test).toBe('pytest');
    expect(detect({ 'setup.py': '', 'src/app.py': '' }).commands.test).toBe('python -m unittest');
  });

  it('Make: `check` when there is no `test`, no build without a build or all target', () => {
    expect(detect({ Makefile: 'check:\n\t./run\nclean:\n\trm -f x\n' }).commands).toEqual({ test: 'make check' });
  });

  it('Make targets: several per line, not assignments, special or pattern rules', () => {
    const text = 'A := 1\nB ::= 2\n.PHONY: test\n%.o: %.c\nbuild test: deps\ndeps::\n\tcmd: not a rule\n';
    expect(makeTargets(text)).toEqual(['build', 'test', 'deps']);
  });

  it('Maven through its wrapper; Gradle without one', () => {
    expect(detect({ 'pom.xml': '', mvnw: '' }).checks).toEqual(['./mvnw -q compile', './mvnw -q test']);
    expect(detect({ 'build.gradle': '' }).checks).toEqual(['gradle assemble', 'gradle test']);
  });

  it('.NET: names the solution when it is not at the root; a deep sample project is not a .NET repository', () => {
    expect(detect({ 'src/App.sln': '', 'src/App/App.csproj': '' }).commands.test).toBe('dotnet test src/App.sln');
    expect(detect({ 'A.csproj': '', 'B.csproj': '' }).commands.build).toBe('dotnet build A.csproj');
    expect(detect({ 'docs/samples/x/X.csproj': '' }).ecosystems).toEqual([]);
  });

  it('two languages at the root: the first one for each kind, every one checked', () => {
    const found = detect({ 'package.json': JSON.stringify({ scripts: { test: 'jest' } }), 'Cargo.toml': '' });
    expect(found.commands).toEqual({ install: 'npm install', build: 'cargo build', test: 'npm test' });
    expect(found.checks).toEqual(['cargo build', 'npm test', 'cargo test']);
  });

  it('go.work modules are the workspaces of go.mod', () => {
    const found = detect({ 'go.mod': 'module m\n', 'go.work': 'go 1.22\n\nuse (\n\t./api // server\n\t./cli\n)\n' });
    expect(found.manifests).toEqual([{ path: 'go.mod', kind: 'go', workspaces: ['./api', './cli'] }]);
  });
});
