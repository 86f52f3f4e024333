import { describe, expect, it } from 'vitest';
import { allowedToolsFor, defaultAllowedTools } from '../../services/permissions.js';
import { makeEcosystemRepo } from '../helpers/ecosystems.js';
import { makeTempRepo, useGitSandbox } from '../helpers/repo.js';

useGitSandbox();

const GIT_RULES = ['git status', 'git diff', 'git log', 'git show', 'git add', 'git commit'].map((c) => `Bash(${c}:*)`);

describe('allowedToolsFor', () => {
  it('allows each command, and without its trailing paths so agents can narrow it', () => {
    expect(allowedToolsFor(['go test ./...', 'cargo test', 'dotnet test src/App.sln', 'ruff check .'])).toEqual([
      ...GIT_RULES,
      'Bash(go test ./...:*)',
      'Bash(go test:*)',
      'Bash(cargo test:*)',
      'Bash(dotnet test src/App.sln:*)',
      'Bash(dotnet test:*)',
      'Bash(ruff check .:*)',
      'Bash(ruff check:*)',
    ]);
  });

  it('never allows git push, and drops a command that could break out of its rule', () => {
    const rules = allowedToolsFor(['npm run a) Bash(rm -rf /', 'npm run ok']);
    expect(rules).toEqual([...GIT_RULES, 'Bash(npm run ok:*)']);
    expect(rules.join(' ')).not.toContain('push');
  });
});

describe('defaultAllowedTools', () => {
  it("keeps an npm repository's rules: install, ci, test and every script", async () => {
    const rules = await defaultAllowedTools(await makeEcosystemRepo('npm'));
    expect(rules).toEqual(
      expect.arrayContaining([
        'Bash(npm install:*)',
        'Bash(npm ci:*)',
        'Bash(npm test:*)',
        'Bash(npm run build:*)',
        'Bash(npm run test:e2e:*)',
      ]),
    );
  });

  it('lets agents in a Go, Rust, Python or Make repository run its checks', async () => {
    expect(await defaultAllowedTools(await makeEcosystemRepo('go'))).toContain('Bash(go test:*)');
    expect(await defaultAllowedTools(await makeEcosystemRepo('rust'))).toContain('Bash(cargo test:*)');
    expect(await defaultAllowedTools(await makeEcosystemRepo('pytest'))).toContain('Bash(uv run pytest:*)');
    expect(await defaultAllowedTools(await makeEcosystemRepo('make'))).toContain('Bash(make test:*)');
  });

  it('gives only safe git in a repository without manifests', async () => {
    expect(await defaultAllowedTools(await makeTempRepo())).toEqual(GIT_RULES);
  });
});
