// Reads the Critic's answer: the structured output, else JSON in its text, checked against the verdict schema.
import type { Verdict } from '../machines/types.js';
import { verdictSchema } from './critic-prompt.js';
import { jsonInText } from './json-in-text.js';

export type CriticAnswer =
  { readonly ok: true; readonly verdict: Verdict } | { readonly ok: false; readonly issue: string };

export function readCriticAnswer(structuredOutput: unknown, resultText: string): CriticAnswer {
  const value = structuredOutput ?? jsonInText(resultText);
  if (value === undefined) return { ok: false, issue: 'the answer holds no JSON verdict' };
  const parsed = verdictSchema.safeParse(value);
  if (!parsed.success) return { ok: false, issue: `the verdict does not fit its schema: ${parsed.error.message}` };
  return { ok: true, verdict: parsed.data };
}
