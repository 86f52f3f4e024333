import { describe, expect, it } from 'vitest';
import { emptyKnowledge, observe } from '../../machines/knowledge.js';
import type { Knowledge, ToolObservation } from '../../machines/knowledge.js';
import { commandNews, commandsRun, mergeNews } from '../../machines/librarian-news.js';
import { collisionMessage, commandMessage, fitBytes, MAX_LIVE_BYTES, mergedMessage } from '../../machines/live.js';

const obs = (storyId: string, extra: Partial<ToolObservation>): ToolObservation => ({
  storyId,
  root: `/wt/${storyId}`,
  kind: 'read',
  name: 'Read',
  paths: [],
  ok: true,
  text: '',
  ...extra,
});
const fold = (knowledge: Knowledge, ...observations: ToolObservation[]) =>
  observations.reduce((k, o) => observe(k, o).knowledge, knowledge);

describe('what the Librarian tells running stories', () => {
  it('tells each story that read or edited a merged file which files, by whom, and the commit', () => {
    const knowledge = fold(
      emptyKnowledge(),
      obs('S1', { paths: ['src/a.ts'], text: 'export const a = 1;\n' }),
      obs('S3', { kind: 'edit', name: 'Edit', paths: ['src/b.ts'] }),
      obs('S4', { paths: ['src/other.ts'], text: 'x' }),
    );
    const news = mergeNews(knowledge, { storyId: 'S2', sha: 'abcdef1234567', files: ['src/a.ts', 'src/b.ts'] });
    expect(news.map((n) => n.storyId)).toEqual(['S1', 'S3']);
    expect(news[0]?.message).toMatchObject({ from: 'librarian', kind: 'merged', key: 'merged:abcdef1234567' });
    expect(news[0]?.message.text).toContain('S2 changed `src/a.ts`, which you used, and merged it as commit abcdef12');
    expect(news[0]?.message.text).toContain('git show abcdef12:src/a.ts');
  });

  it('tells the stories that ran a command when its result flipped after a merge, and only then', () => {
    const test = (storyId: string, ok: boolean) =>
      obs(storyId, { kind: 'bash', name: 'Bash', command: 'npm test', ok, exitCode: ok ? 0 : 1 });
    const before = fold(emptyKnowledge(), test('S1', true));
    const after = fold(before, test('S3', false));
    const [key] = commandsRun(before, after);
    expect(key).toBe('npm test');
    const merges = [{ storyId: 'S2', sha: 'feed0000beef', files: ['src/a.ts'] }];
    const news = commandNews({ before, after, key: key ?? '', mergesAtLastRun: 0, merges });
    expect(news.map((n) => n.storyId)).toEqual(['S1']);
    expect(news[0]?.message.text).toBe(
      'baro Librarian: `npm test` passed when you ran it and now fails (exit 1) for S3, after S2 merged feed0000. Run it again before you finish and make sure your change is not the cause; baro merges your work onto that result.',
    );
    expect(commandNews({ before, after, key: 'npm test', mergesAtLastRun: 1, merges })).toEqual([]);
    // Every merge since the last run may be the cause, not only the latest.
    const three = [
      { storyId: 'S0', sha: '0000aaaa', files: [] },
      ...merges,
      { storyId: 'S4', sha: 'cafe0000f00d', files: [] },
    ];
    const [several] = commandNews({ before, after, key: 'npm test', mergesAtLastRun: 1, merges: three });
    expect(several?.message.text).toContain('for S3, after S2 and S4 merged (the last as cafe0000).');
    const same = fold(before, test('S3', true));
    expect(commandNews({ before, after: same, key: 'npm test', mergesAtLastRun: 0, merges })).toEqual([]);
  });

  it('keeps what to do in a message when long names must make room: fewer files shown, long names shortened', () => {
    const deep = (i: number) => `packages/frontend/src/components/dashboard/widgets/charts/RevenueChart${i}.tsx`;
    const merged = mergedMessage({ by: 'S2', sha: 'b'.repeat(40), files: [1, 2, 3, 4, 5, 6].map(deep) });
    expect(Buffer.byteLength(merged.text)).toBeLessThanOrEqual(MAX_LIVE_BYTES);
    expect(merged.text).toContain(`\`${deep(1)}\``);
    expect(merged.text).toMatch(/and \d more, which you used/);
    expect(merged.text).toContain(`git show bbbbbbbb:${deep(1)}`);
    expect(merged.text.endsWith('Do not merge or rebase yourself; baro does.')).toBe(true);

    const collision = collisionMessage(`src/${'very-long-folder-name/'.repeat(12)}shared.ts`, ['S1', 'S3']);
    expect(Buffer.byteLength(collision.text)).toBeLessThanOrEqual(MAX_LIVE_BYTES);
    expect(collision.text).toContain('very-long-folder-name/shared.ts`');
    expect(collision.text.endsWith('baro merges both.')).toBe(true);

    const command = commandMessage({
      command: `npx vitest run ${'test/e2e/some-long-test-file-name.test.ts '.repeat(12)}`,
      ok: false,
      exitCode: 1,
      by: 'S3',
      after: [{ storyId: 'S2', sha: 'c'.repeat(40) }],
    });
    expect(Buffer.byteLength(command.text)).toBeLessThanOrEqual(MAX_LIVE_BYTES);
    expect(command.text).toContain('`npx vitest run test/e2e/');
    expect(command.text.endsWith('baro merges your work onto that result.')).toBe(true);
  });

  it('keeps every message within 600 bytes, cut on a character', () => {
    const files = Array.from({ length: 40 }, (_, i) => `src/${'deep/'.repeat(8)}file-${i}-é.ts`);
    const merged = mergedMessage({ by: 'S2', sha: 'a'.repeat(40), files });
    expect(Buffer.byteLength(merged.text)).toBeLessThanOrEqual(MAX_LIVE_BYTES);
    expect(merged.text).toMatch(/and 3\d more, which you used/);
    // Shortened to its end, a 400-character name leaves room for the rest; a 4-byte one is cut as a last resort.
    const long = collisionMessage(`${'ü'.repeat(400)}.ts`, ['S1']);
    expect(Buffer.byteLength(long.text)).toBeLessThanOrEqual(MAX_LIVE_BYTES);
    expect(long.text.endsWith('baro merges both.')).toBe(true);
    const widest = collisionMessage(`${'😀'.repeat(400)}.ts`, ['S1']);
    expect(Buffer.byteLength(widest.text)).toBeLessThanOrEqual(MAX_LIVE_BYTES);
    expect(widest.text.endsWith('…')).toBe(true);
    expect(fitBytes('é'.repeat(400))).toMatch(/^é+…$/);
    expect(fitBytes('short')).toBe('short');
  });
});
