import { describe, expect, it } from 'vitest';
import { parseGitHubRemote, redactRemoteUrl } from '../../services/github-remote.js';

describe('parseGitHubRemote', () => {
  it.each([
    ['https://github.com/acme/api', 'github.com', 'acme', 'api'],
    ['https://github.com/acme/api.git', 'github.com', 'acme', 'api'],
    ['https://github.com/acme/api/', 'github.com', 'acme', 'api'],
    ['https://x-access-token:ghp_abc@github.com/acme/api.git', 'github.com', 'acme', 'api'],
    ['http://GitHub.com/acme/api.git', 'github.com', 'acme', 'api'],
    ['git@github.com:acme/api.git', 'github.com', 'acme', 'api'],
    ['git@github.com:acme/api', 'github.com', 'acme', 'api'],
    ['github.com:acme/my.repo.git', 'github.com', 'acme', 'my.repo'],
    ['ssh://git@github.com/acme/api.git', 'github.com', 'acme', 'api'],
    ['ssh://git@ghe.example.com:2222/acme/api', 'ghe.example.com', 'acme', 'api'],
    ['git+ssh://git@github.com/acme/api.git', 'github.com', 'acme', 'api'],
    ['  https://github.com/Acme-Corp/api_v2.git\n', 'github.com', 'Acme-Corp', 'api_v2'],
  ])('reads %s', (url, host, owner, repo) => {
    expect(parseGitHubRemote(url)).toEqual({ host, owner, repo });
  });

  it.each([
    [''],
    ['/srv/git/api.git'],
    ['../api'],
    ['file:///srv/git/acme/api.git'],
    ['C:/repos/api'],
    ['https://gitlab.com/group/subgroup/api.git'],
    ['https://github.com/acme'],
    ['git@github.com:/acme/api.git'],
    ['https://github.com/-acme/api'],
    ['https://github.com/acme/.git'],
    ['not a url'],
  ])('refuses %j', (url) => {
    expect(parseGitHubRemote(url)).toBeUndefined();
  });
});

describe('redactRemoteUrl', () => {
  it('drops the user and password of URL forms', () => {
    expect(redactRemoteUrl('https://x-access-token:ghp_abc@github.com/acme/api.git')).toBe(
      'https://github.com/acme/api.git',
    );
  });

  it('leaves scp-like forms, which carry no password', () => {
    expect(redactRemoteUrl('git@github.com:acme/api.git')).toBe('git@github.com:acme/api.git');
  });
});
