import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiBaseFor, findGitHubToken } from '../../../services/github/token.js';

describe('findGitHubToken', () => {
  const noGh = () => Promise.resolve(undefined);
  it('prefers GITHUB_TOKEN, then GH_TOKEN, then gh auth token', async () => {
    expect(await findGitHubToken({ GITHUB_TOKEN: 'a', GH_TOKEN: 'b' }, noGh)).toEqual({
      token: 'a',
      source: 'GITHUB_TOKEN',
    });
    expect(await findGitHubToken({ GITHUB_TOKEN: ' ', GH_TOKEN: 'b' }, noGh)).toEqual({
      token: 'b',
      source: 'GH_TOKEN',
    });
    expect(await findGitHubToken({}, () => Promise.resolve('c'))).toEqual({ token: 'c', source: '`gh auth token`' });
    expect(await findGitHubToken({}, noGh)).toBeUndefined();
  });

  it('finds no token from gh when gh is not on PATH', async () => {
    expect(await findGitHubToken({ PATH: '/nonexistent' })).toBeUndefined();
  });

  it('asks a gh on PATH for its token when neither variable is set', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'baro-gh-'));
    await writeFile(join(bin, 'gh'), '#!/bin/sh\n[ "$1 $2" = "auth token" ] && echo gho_from_gh\n');
    await chmod(join(bin, 'gh'), 0o755);
    expect(await findGitHubToken({ PATH: bin, GH_TOKEN: '' })).toEqual({
      token: 'gho_from_gh',
      source: '`gh auth token`',
    });
    await rm(bin, { recursive: true, force: true });
  });
});

describe('apiBaseFor', () => {
  it('GITHUB_API_URL wins; github.com and Enterprise hosts otherwise', () => {
    expect(apiBaseFor('github.com', { GITHUB_API_URL: 'http://127.0.0.1:9/' })).toBe('http://127.0.0.1:9');
    expect(apiBaseFor('github.com', {})).toBe('https://api.github.com');
    expect(apiBaseFor('git.corp.example', {})).toBe('https://git.corp.example/api/v3');
  });
});
