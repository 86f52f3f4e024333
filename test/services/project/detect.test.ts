import { describe, expect, it } from 'vitest';
import { buildRepoMap } from '../../../services/project/map.js';
import { detectInWorktree } from '../../../services/project/worktree.js';
import { makeEcosystemRepo } from '../../helpers/ecosystems.js';
import type { EcosystemName } from '../../helpers/ecosystems.js';
import { git, useGitSandbox, writeFiles } from '../../helpers/repo.js';

useGitSandbox();

async function mapOf(name: EcosystemName) {
  const repoDir = await makeEcosystemRepo(name);
  return buildRepoMap({ repoDir, commit: await git(repoDir, 'rev-parse', 'HEAD') });
}

describe('project command detection, on a committed fixture of each ecosystem', () => {
  it('npm: the lock file picks npm ci; only the scripts package.json has', async () => {
    const map = await mapOf('npm');
    expect(map.manifests).toEqual([{ path: 'package.json', kind: 'npm' }]);
    expect(map.commands).toEqual({
      install: 'npm ci',
      build: 'npm run build',
      typecheck: 'npm run typecheck',
      lint: 'npm run lint',
      test: 'npm test',
    });
    expect(map.checks).toEqual(['npm run build', 'npm run typecheck', 'npm run lint', 'npm test']);
  });

  it('pnpm: workspaces from pnpm-workspace.yaml, nested package.json listed as pnpm', async () => {
    const map = await mapOf('pnpmWorkspaces');
    expect(map.manifests).toEqual([
      { path: 'package.json', kind: 'pnpm', workspaces: ['packages/*', 'apps/web'] },
      { path: 'packages/core/package.json', kind: 'pnpm' },
    ]);
    expect(map.commands).toEqual({
      install: 'pnpm install --frozen-lockfile',
      build: 'pnpm run build',
      test: 'pnpm test',
    });
    expect(map.checks).toEqual(['pnpm run build', 'pnpm test']);
  });

  it('yarn: workspaces from package.json', async () => {
    const map = await mapOf('yarn');
    expect(map.manifests[0]).toEqual({ path: 'package.json', kind: 'yarn', workspaces: ['libs/*'] });
    expect(map.commands).toEqual({ install: 'yarn install', lint: 'yarn run lint', test: 'yarn test' });
  });

  it('bun: the test script through bun run, not bun test', async () => {
    const map = await mapOf('bun');
    expect(map.commands).toEqual({ install: 'bun install', typecheck: 'bun run check-types', test: 'bun run test' });
  });

  it("npm init's failing test placeholder is no check", async () => {
    const map = await mapOf('npmInit');
    expect(map.commands).toEqual({ install: 'npm install' });
    expect(map.checks).toEqual([]);
  });

  it('Rust: cargo build and cargo test, with the workspace members', async () => {
    const map = await mapOf('rust');
    expect(map.manifests).toEqual([
      { path: 'Cargo.toml', kind: 'cargo', workspaces: ['crates/core', 'crates/cli'] },
      { path: 'crates/core/Cargo.toml', kind: 'cargo' },
    ]);
    expect(map.checks).toEqual(['cargo build', 'cargo test']);
  });

  it('Go: build, vet and test every package', async () => {
    const map = await mapOf('go');
    expect(map.manifests).toEqual([{ path: 'go.mod', kind: 'go' }]);
    expect(map.commands).toMatchObject({ build: 'go build ./...', lint: 'go vet ./...', test: 'go test ./...' });
    expect(map.checks).toEqual(['go build ./...', 'go vet ./...', 'go test ./...']);
  });

  it('Python with pytest configured: pytest and ruff through uv', async () => {
    const map = await mapOf('pytest');
    expect(map.manifests).toEqual([{ path: 'pyproject.toml', kind: 'python' }]);
    expect(map.commands).toEqual({ install: 'uv sync', lint: 'uv run ruff check .', test: 'uv run pytest' });
  });

  it('Python without pytest configured nor tests: python -m unittest', async () => {
    const map = await mapOf('unittest');
    expect(map.manifests).toEqual([{ path: 'requirements.txt', kind: 'python' }]);
    expect(map.commands).toEqual({ install: 'pip install -r requirements.txt', test: 'python -m unittest' });
  });

  it('Make: the targets that exist, make for all', async () => {
    const map = await mapOf('make');
    expect(map.manifests).toEqual([{ path: 'Makefile', kind: 'make' }]);
    expect(map.commands).toEqual({ build: 'make', lint: 'make lint', test: 'make test' });
  });

  it('Maven: mvn -q test', async () => {
    const map = await mapOf('maven');
    expect(map.manifests).toEqual([{ path: 'pom.xml', kind: 'maven' }]);
    expect(map.checks).toEqual(['mvn -q compile', 'mvn -q test']);
  });

  it('Gradle: through the wrapper when the repository has one', async () => {
    const map = await mapOf('gradle');
    expect(map.manifests.map((m) => m.kind)).toEqual(['gradle', 'gradle']);
    expect(map.checks).toEqual(['./gradlew assemble', './gradlew test']);
  });

  it('.NET: dotnet build and test with the root solution, projects listed', async () => {
    const map = await mapOf('dotnet');
    expect(map.manifests.map((m) => m.path)).toEqual([
      'App.sln',
      'src/App/App.csproj',
      'tests/App.Tests/App.Tests.csproj',
    ]);
    expect(map.commands).toEqual({ install: 'dotnet restore', build: 'dotnet build', test: 'dotnet test' });
  });

  it("a Makefile's target replaces the language's command of that kind only", async () => {
    const map = await mapOf('goWithMake');
    expect(map.commands).toMatchObject({ build: 'go build ./...', lint: 'go vet ./...', test: 'make test' });
    expect(map.checks).toEqual(['go build ./...', 'go vet ./...', 'make test']);
  });

  it('nothing recognised: no manifests, no commands', async () => {
    const repoDir = await makeEcosystemRepo('npm');
    await git(repoDir, 'rm', '-q', 'package.json', 'package-lock.json');
    await git(repoDir, 'commit', '-qm', 'no manifests');
    const map = await buildRepoMap({ repoDir, commit: await git(repoDir, 'rev-parse', 'HEAD') });
    expect(map.manifests).toEqual([]);
    expect(map.commands).toEqual({});
    expect(map.checks).toEqual([]);
  });
});

describe('detectInWorktree', () => {
  it("sees the working tree as it is, an agent's uncommitted manifest included", async () => {
    const repoDir = await makeEcosystemRepo('go');
    await writeFiles(repoDir, { Makefile: 'lint:\n\tgolangci-lint run\n' });
    const detection = await detectInWorktree(repoDir);
    expect(detection.ecosystems).toEqual(['go', 'make']);
    expect(detection.checks).toEqual(['go build ./...', 'make lint', 'go test ./...']);
    expect(detection.runnable).toContain('go vet ./...');
  });
});
