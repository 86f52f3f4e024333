// The planner's prompts and how its answer is read: structured output first, else the JSON in its text.
import { describe, expect, it } from 'vitest';
import { readPlannerAnswer } from '../../services/planner-answer.js';
import { draftPlanPrompt, planJsonSchema, refinePlanPrompt, repairPlanPrompt } from '../../services/planner-prompt.js';

const plan = {
  goal: 'g',
  stories: [
    { id: 'A', title: 'a', description: 'd', dependsOn: [], acceptance: ['x'] },
    { id: 'B', title: 'b', description: 'd', dependsOn: ['A'], acceptance: ['y'] },
  ],
};

describe('reading the planner answer', () => {
  it('takes the structured output and computes the levels', () => {
    expect(readPlannerAnswer(plan, 'ignored')).toEqual({ ok: true, proposal: { plan, levels: [['A'], ['B']] } });
  });

  it.each([
    ['the whole text', JSON.stringify(plan)],
    ['a fenced block', `Here you go:\n\`\`\`json\n${JSON.stringify(plan)}\n\`\`\`\nDone.`],
    ['the outermost braces in prose', `The plan is ${JSON.stringify(plan)} as asked.`],
  ])('takes the JSON from %s when there is no structured output', (_, text) => {
    expect(readPlannerAnswer(undefined, text)).toMatchObject({ ok: true, proposal: { plan } });
  });

  it("lists every broken rule in the plan's own terms", () => {
    const broken = { ...plan, stories: [{ ...plan.stories[0], dependsOn: ['Z'], acceptance: [] }] };
    expect(readPlannerAnswer(broken, '')).toEqual({
      ok: false,
      issues: [expect.stringMatching(/^story A: .*unknown story "Z"/), expect.stringMatching(/^story A: .*acceptance/)],
    });
  });

  it('says so when the answer holds no JSON at all', () => {
    expect(readPlannerAnswer(undefined, 'I could not decide.')).toEqual({
      ok: false,
      issues: ['the answer holds no JSON plan: answer with the plan as JSON only'],
    });
  });
});

describe('planner prompts', () => {
  it('gives the goal, the repository map and the rules of a good plan', () => {
    const prompt = draftPlanPrompt({ goal: 'Add limits', repoSummary: 'src/app.ts\npackage.json' });
    expect(prompt).toContain('Goal: Add limits');
    expect(prompt).toContain('src/app.ts\npackage.json');
    for (const rule of [
      'ONE coding agent',
      'ONLY when a story needs files',
      'checkable acceptance',
      '`writes`',
      '`tier`',
    ])
      expect(prompt).toContain(rule);
  });

  it('lists the problems in a repair turn and the feedback in a revision turn', () => {
    expect(repairPlanPrompt({ issues: ['story A: cycle'] })).toContain('- story A: cycle');
    expect(refinePlanPrompt({ feedback: ' merge A and B ' })).toContain('\n\nmerge A and B\n\n');
  });

  it('requires writes and tier of the planner though a plan file may omit them', () => {
    const stories = (planJsonSchema()['properties'] as Record<string, { items: { required: string[] } }>)['stories'];
    expect(stories?.items.required).toEqual([
      'id',
      'title',
      'description',
      'dependsOn',
      'acceptance',
      'writes',
      'tier',
    ]);
  });

  it('declares draft-07, the dialect the CLI validates --json-schema with (it refuses a 2020-12 schema)', () => {
    expect(planJsonSchema()['$schema']).toBe('http://json-schema.org/draft-07/schema#');
  });
});
