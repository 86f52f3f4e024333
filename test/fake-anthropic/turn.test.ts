// The fake Messages API reads a request as 2.1.332 shapes it: cwd in a system message, prompts among reminders.
import { expect, it } from 'vitest';
import { readTurn, requestBodySchema } from './turn.js';

const reminder = { type: 'text', text: '<system-reminder>\ngitStatus: clean\n</system-reminder>' };
const environment = {
  role: 'system',
  content: [{ type: 'text', text: '# Environment\n - Primary working directory: /w/trees/S1\n - Platform: linux' }],
};
const storyPrompt = '# Goal of the whole run\n\nDemo\n\n# Your story: S1 — story S1\n\nDo it.';
const toolUse = (id: string) => ({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'Read', input: {} }] });
const toolResult = (id: string, isError = false) => ({
  type: 'tool_result',
  tool_use_id: id,
  content: 'x',
  is_error: isError,
});

const body = (messages: unknown[], tools = ['Bash', 'Read', 'Write']) =>
  requestBodySchema.parse({
    model: 'claude-sonnet-5-5',
    stream: true,
    tools: tools.map((name) => ({ name })),
    messages,
  });

it('reads the cwd, the story id and the prompt of a first request, skipping the reminders', () => {
  const turn = readTurn(
    'sid',
    body([{ role: 'user', content: [reminder, { type: 'text', text: storyPrompt }] }, environment]),
  );
  expect(turn).toMatchObject({
    sessionId: 'sid',
    cwd: '/w/trees/S1',
    storyId: 'S1',
    role: 'story',
    prompts: [storyPrompt],
    step: 0,
  });
  expect(turn.structuredOutput).toBe(false);
});

it('counts tool results over the history and since the latest prompt, which a resume sends as a string', () => {
  const turn = readTurn(
    'sid',
    body([
      { role: 'user', content: [reminder, { type: 'text', text: storyPrompt }] },
      environment,
      toolUse('t1'),
      { role: 'user', content: [toolResult('t1')] },
      { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
      { role: 'user', content: '# Conflict in story S1' },
      toolUse('t2'),
      { role: 'user', content: [toolResult('t2', true)] },
      // What --max-budget-usd adds after each step's results.
      { role: 'system', content: [{ type: 'text', text: '<total_tokens>1000 tokens left</total_tokens>' }] },
    ]),
  );
  expect(turn).toMatchObject({ step: 2, stepInPrompt: 1, storyId: 'S1', role: 'resolver' });
  expect(turn.prompts).toEqual([storyPrompt, '# Conflict in story S1']);
  expect(turn.lastResults).toEqual([{ toolUseId: 't2', isError: true, text: 'x' }]);
});

it('takes a prompt that shares a message with tool results, and sees the StructuredOutput tool', () => {
  const turn = readTurn(
    'sid',
    body(
      [
        { role: 'user', content: [{ type: 'text', text: '# Plan this goal' }] },
        environment,
        toolUse('t1'),
        { role: 'user', content: [toolResult('t1'), { type: 'text', text: 'Continue.' }] },
      ],
      ['Read', 'StructuredOutput'],
    ),
  );
  expect(turn).toMatchObject({ step: 1, stepInPrompt: 0, storyId: undefined, structuredOutput: true, role: 'planner' });
  expect(turn.prompts).toEqual(['# Plan this goal', 'Continue.']);
});

it("tells the Critic, the Surgeon and other sessions apart, and reads the system prompt baro's rules were added to", () => {
  const first = (text: string) => [{ role: 'user', content: [reminder, { type: 'text', text }] }, environment];
  const role = (text: string) => readTurn('sid', body(first(text))).role;
  expect(role('# Review of story S1 — story S1 (round 1)\n\nJudge it.')).toBe('critic');
  expect(readTurn('sid', body(first('# Review of story S1 — story S1 (round 2)'))).reviewOf).toBe('S1');
  expect(role('You are the Surgeon of a team of coding agents working on one goal: Demo')).toBe('surgeon');
  expect(role('Write a title for this conversation.')).toBe('other');

  const system = [
    { type: 'text', text: 'You are Claude Code.' },
    { type: 'text', text: '# Rules for this session (baro story S1)' },
  ];
  const turn = readTurn('sid', requestBodySchema.parse({ model: 'm', system, messages: first(storyPrompt) }));
  expect(turn.system).toBe('You are Claude Code.\n# Rules for this session (baro story S1)');
});
