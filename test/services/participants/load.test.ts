// Loading the config's participants as a user lists them: a path from the repository root or an installed package,
// and the clear refusal of a module that cannot join (a syntax error, no default export, an event no run reports).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadParticipants, ParticipantLoadError } from '../../../services/participants/load.js';
import type { ParticipantEntry } from '../../../services/config/schema.js';
import { makeTempDir, removeTempDirs, writeFiles } from '../../helpers/repo.js';

afterAll(removeTempDirs);

const KNOWN = ['run.started', 'story.merged', 'story.merging', 'run.completed'];
const SIMPLE = `export default { name: 'simple', events: ['story.merged'], onEvent() {} };\n`;

async function repoWith(files: Record<string, string>): Promise<string> {
  const repo = await makeTempDir('baro-participants-');
  await writeFiles(repo, files);
  return repo;
}

async function refusal(repo: string, entry: ParticipantEntry): Promise<string> {
  const error: unknown = await loadParticipants({ entries: [entry], repoDir: repo, knownEvents: KNOWN }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ParticipantLoadError);
  return error instanceof Error ? error.message : '';
}

describe('loading participants', () => {
  it('imports a path from the repository root, whatever the current folder', async () => {
    const repo = await repoWith({ 'hooks/simple.mjs': SIMPLE });
    const [loaded] = await loadParticipants({ entries: ['./hooks/simple.mjs'], repoDir: repo, knownEvents: KNOWN });
    expect(loaded?.definition).toMatchObject({ name: 'simple', events: ['story.merged'], form: { kind: 'onEvent' } });
    expect(loaded?.timeoutMs).toBe(30_000);
  });

  it("imports a package installed in the repository, through its package.json's exports", async () => {
    const repo = await repoWith({
      'package.json': '{ "name": "app", "private": true }\n',
      'node_modules/baro-participant-slack/package.json': JSON.stringify({
        name: 'baro-participant-slack',
        type: 'module',
        exports: { '.': './lib/index.js' },
      }),
      'node_modules/baro-participant-slack/lib/index.js': `export default (options) => ({
  name: 'slack',
  events: ['run.completed'],
  onEvent() { return options.channel; },
});
`,
    });
    const entry = { module: 'baro-participant-slack', options: { channel: '#builds' }, timeoutSeconds: 5 };
    const [loaded] = await loadParticipants({ entries: [entry], repoDir: repo, knownEvents: KNOWN });
    expect(loaded).toMatchObject({ module: 'baro-participant-slack', timeoutMs: 5000 });
    expect(loaded?.definition).toMatchObject({ name: 'slack', events: ['run.completed'] });
  });

  it('names the file and line of a syntax error', async () => {
    const repo = await repoWith({ 'broken.mjs': `export default {\n  name: 'broken',\n  onEvent() { if ( }\n};\n` });
    const message = await refusal(repo, './broken.mjs');
    expect(message).toContain('participant ./broken.mjs: cannot be imported');
    expect(message).toContain(`Unexpected token '}'`);
    expect(message).toContain(`${join(repo, 'broken.mjs')}:3`);
  });

  it('says so when the module has no default export', async () => {
    const repo = await repoWith({ 'named.mjs': `export const participant = { name: 'named', onEvent() {} };\n` });
    expect(await refusal(repo, './named.mjs')).toBe(
      'participant ./named.mjs: it has no default export: write `export default { name, events, onEvent }`',
    );
  });

  it('refuses an event no run reports, with the one it was probably meant to be', async () => {
    const repo = await repoWith({
      'typo.mjs': `export default { name: 'typo', events: ['story.merge', 'deploy.done'], onEvent() {} };\n`,
    });
    expect(await refusal(repo, './typo.mjs')).toBe(
      'participant ./typo.mjs: events: "story.merge" is not an event a run reports (did you mean "story.merged"?); ' +
        'events: "deploy.done" is not an event a run reports (docs/participants.md lists them)',
    );
  });

  it('refuses a second participant of the same name', async () => {
    const repo = await repoWith({ 'a.mjs': SIMPLE, 'b.mjs': SIMPLE });
    const error = await loadParticipants({ entries: ['./a.mjs', './b.mjs'], repoDir: repo, knownEvents: KNOWN }).catch(
      (thrown: unknown) => thrown,
    );
    expect(String(error)).toContain('participant ./b.mjs: its name "simple" is already taken by ./a.mjs');
  });
});
