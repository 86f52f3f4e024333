import { describe, expect, it } from 'vitest';
import { readCriticAnswer } from '../../services/critic-answer.js';
import { verdictJsonSchema } from '../../services/critic-prompt.js';

const pass = { verdict: 'pass', reasons: ['done'], unmetCriteria: [] };

describe("the Critic's answer", () => {
  it('declares draft-07, the dialect the CLI validates --json-schema with (it refuses a 2020-12 schema)', () => {
    expect(verdictJsonSchema()['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(JSON.stringify(verdictJsonSchema())).toContain('"pass","fail"');
  });

  it('reads the structured output, else the JSON in the text', () => {
    expect(readCriticAnswer(pass, '')).toEqual({ ok: true, verdict: pass });
    expect(readCriticAnswer(undefined, `Verdict:\n\`\`\`json\n${JSON.stringify(pass)}\n\`\`\``)).toEqual({
      ok: true,
      verdict: pass,
    });
  });

  it('never reads an answer without a valid verdict as a pass', () => {
    expect(readCriticAnswer(undefined, 'Looks good to me!')).toEqual({
      ok: false,
      issue: 'the answer holds no JSON verdict',
    });
    expect(readCriticAnswer({ verdict: 'maybe', reasons: [], unmetCriteria: [] }, '')).toMatchObject({ ok: false });
  });
});
