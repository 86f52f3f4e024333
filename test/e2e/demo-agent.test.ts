// baro's demo agent speaks the stream-json baro parses: every line valid, each tool call answered, edits made, work committed.
import { execa } from 'execa';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DEMO_FILES, DEMO_PLAN } from '../../cli/demo/plan.js';
import { demoAgentPath } from '../../cli/demo/repo.js';
import { createStreamParser } from '../../services/claude/parse.js';
import { classifyOutcome } from '../../services/claude/outcome.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';

useGitSandbox();

it('runs a demo story for real and reports it in stream-json that baro parses without a malformed line', async () => {
  const repo = await makeTempRepo({ files: DEMO_FILES });
  const sessionId = '0b7e3a52-8a4e-4e0e-9a53-2c6a3d1f9f10';
  const prompt = '# Goal of the whole run\n\nx\n\n# Your story: slugify — Add slugify(text)\n\nA slug.\n';
  const result = await execa(
    process.execPath,
    [demoAgentPath(), '-p', '--output-format', 'stream-json', '--verbose', '--session-id', sessionId, '--', prompt],
    { cwd: repo, env: { BARO_STORY_ID: 'slugify', BARO_ROLE: 'story', BARO_DEMO_STEP_MS: '0' }, reject: false },
  );
  expect(result.exitCode, result.stderr).toBe(0);

  const parser = createStreamParser();
  const events = result.stdout.split('\n').flatMap((line) => parser.push(line));
  expect(events.filter((e) => e.type === 'malformed' || e.type === 'unknown')).toEqual([]);
  expect(events[0]).toMatchObject({ type: 'session.started', sessionId });
  const calls = events.flatMap((e) => (e.type === 'tool.call' ? [e.call] : []));
  const results = events.flatMap((e) => (e.type === 'tool.result' ? [e] : []));
  expect(calls.map((c) => c.kind)).toEqual(['read', 'write', 'write', 'edit', 'bash', 'bash']);
  expect(results.map((r) => r.ok)).toEqual(calls.map(() => true));
  expect(calls.find((c) => c.kind === 'edit')?.paths).toEqual([join(repo, 'src/index.js')]);
  expect(
    classifyOutcome(parser.summary(), { exitCode: 0, signal: undefined, stderr: '', aborted: false }),
  ).toMatchObject({ kind: 'ok' });

  expect(await git(repo, 'log', '-1', '--format=%s')).toBe('slugify: Add slugify(text)');
  expect(await git(repo, 'status', '--porcelain')).toBe('');
  expect(await git(repo, 'show', 'HEAD:src/index.js')).toContain("export { slugify } from './slugify.js';");
  expect(DEMO_PLAN.stories.map((s) => s.id)).toContain('slugify');
});

it('takes its prompt and live messages on stdin with --input-format stream-json, as baro runs story sessions', async () => {
  const repo = await makeTempRepo({ files: DEMO_FILES });
  const prompt = '# Goal of the whole run\n\nx\n\n# Your story: slugify — Add slugify(text)\n\nA slug.\n';
  const line = (text: string, uuid: string) =>
    `${JSON.stringify({ type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: '', uuid })}\n`;
  const args = ['-p', '--output-format', 'stream-json', '--verbose', '--input-format', 'stream-json'];
  const child = execa(process.execPath, [demoAgentPath(), ...args], {
    cwd: repo,
    env: { BARO_STORY_ID: 'slugify', BARO_ROLE: 'story', BARO_DEMO_STEP_MS: '0' },
    reject: false,
    stdin: 'pipe',
  });
  child.stdin.write(line(prompt, 'p-1'));
  child.stdin.write(line('baro Sentry: S2 is editing src/index.js too', 'm-1'));
  const result = await child;
  expect(result.exitCode, result.stderr).toBe(0);

  const parser = createStreamParser();
  const events = result.stdout.split('\n').flatMap((text) => parser.push(text));
  expect(events.filter((e) => e.type === 'malformed' || e.type === 'unknown')).toEqual([]);
  const states = events.flatMap((e) => (e.type === 'message.lifecycle' ? [e.state] : []));
  expect(states[0]).toBe('queued');
  const count = (state: string) => states.filter((s) => s === state).length;
  expect(count('started')).toBe(count('completed'));
  expect(events.at(-1)).toMatchObject({ type: 'result', isError: false });
  expect(await git(repo, 'log', '-1', '--format=%s')).toBe('slugify: Add slugify(text)');
});
