// The config's participants as the run loads them: a typo in an event name is bad input, every reported event is not.
import { describe, expect, it, afterAll } from 'vitest';
import { UsageError } from '../../cli/errors.js';
import { loadRunParticipants } from '../../cli/participants.js';
import { makeTempDir, removeTempDirs, writeFiles } from '../helpers/repo.js';

afterAll(removeTempDirs);

const listening = (events: readonly string[]) =>
  `export default { name: 'listener', events: ${JSON.stringify(events)}, onEvent() {} };\n`;

describe('the run loading its participants', () => {
  it('accepts every event docs/participants.md names, its own included', async () => {
    const events = ['run.started', 'story.merging', 'story.merged', 'participant.failed', 'schedule.paused'];
    const repo = await makeTempDir('baro-participants-');
    await writeFiles(repo, { 'listener.mjs': listening([...events, 'pr.opened', 'run.completed']) });
    const [loaded] = await loadRunParticipants(['./listener.mjs'], repo, undefined);
    expect(loaded?.definition.events).toContain('story.merging');
  });

  it('refuses an event name no run reports as bad input, saying what to fix', async () => {
    const repo = await makeTempDir('baro-participants-');
    await writeFiles(repo, { 'listener.mjs': listening(['run.complete']) });
    const config = `${repo}/baro.config.json`;
    const error: unknown = await loadRunParticipants(['./listener.mjs'], repo, config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(String(error)).toContain(
      'participant ./listener.mjs: events: "run.complete" is not an event a run reports (did you mean "run.completed"?)',
    );
    expect(String(error)).toContain(`Fix the participants list in ${config}`);
  });
});
