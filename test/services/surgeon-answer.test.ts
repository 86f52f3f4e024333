// The Surgeon's answer read as the planner's is: structured output or JSON in the text, schema, case and plan rules.
import { describe, expect, it } from 'vitest';
import type { PlanState, SurgeonCase } from '../../machines/surgery.js';
import { readSurgeonAnswer } from '../../services/surgeon-answer.js';
import { surgeonJsonSchema, repairSurgeonPrompt, surgeonPrompt } from '../../services/surgeon-prompt.js';
import { story } from '../machines/harness.js';

const plan: PlanState = {
  stories: [story('A'), story('B', ['A']), story('C', ['B'])],
  status: { A: 'merged', B: 'failed', C: 'blocked' },
};
const failedB: SurgeonCase = {
  kind: 'story',
  story: story('B', ['A']),
  reason: 'max_turns: ran out',
  attempts: 2,
  files: ['src/b.ts'],
  replans: 1,
};

describe('the Surgeon answer', () => {
  it('takes the structured output, else the JSON in the text', () => {
    const retry = { action: 'retry', reason: 'close', guidance: 'Run the tests.' };
    expect(readSurgeonAnswer(retry, '', failedB, plan)).toEqual({ ok: true, proposal: retry });
    const text = `Here it is:\n\`\`\`json\n${JSON.stringify({ action: 'drop', reason: 'not needed' })}\n\`\`\``;
    expect(readSurgeonAnswer(undefined, text, failedB, plan)).toEqual({
      ok: true,
      proposal: { action: 'drop', reason: 'not needed' },
    });
  });

  it('says what to repair: no JSON, a schema break, a missing field, a broken plan rule', () => {
    expect(readSurgeonAnswer(undefined, 'I would retry it.', failedB, plan)).toEqual({
      ok: false,
      issues: ['the answer holds no JSON: answer with the JSON object only'],
    });
    const wrong = readSurgeonAnswer({ action: 'rewrite', reason: 'x' }, '', failedB, plan);
    expect(wrong.ok ? [] : wrong.issues).toEqual([expect.stringMatching(/^action: /)]);
    expect(readSurgeonAnswer({ action: 'retry', reason: 'x' }, '', failedB, plan)).toEqual({
      ok: false,
      issues: ['"retry" needs "guidance"'],
    });
    const taken = { action: 'split', reason: 'x', stories: [story('A')] };
    expect(readSurgeonAnswer(taken, '', failedB, plan)).toEqual({
      ok: false,
      issues: ['story A: the id is taken in the plan; give each new story a new id'],
    });
  });

  it('prompts with the failure, the plan as it stands and the choices, under a schema that names them', () => {
    const prompt = surgeonPrompt({ goal: 'Add rate limiting', c: failedB, plan });
    expect(prompt).toContain('# Story B failed: decide what happens to it');
    expect(prompt).toContain('max_turns: ran out');
    expect(prompt).toContain('A replan already sent it back 1 time(s).');
    expect(prompt).toContain('- C — Story C [blocked] (depends on B)');
    expect(prompt).toContain('`split` with `stories`');
    expect(prompt).not.toContain('`fix` with `stories`');
    expect(JSON.stringify(surgeonJsonSchema())).toContain('"retry","split","drop","fix"');
    expect(repairSurgeonPrompt({ issues: ['no JSON'] })).toContain('- no JSON');
  });

  it('declares draft-07, the dialect the CLI validates --json-schema with (it refuses a 2020-12 schema)', () => {
    expect(surgeonJsonSchema()['$schema']).toBe('http://json-schema.org/draft-07/schema#');
  });
});
