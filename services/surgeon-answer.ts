// Reads the Surgeon's answer: the structured output, else the JSON in its text, checked against its schema, its case
// and the plan's rules.
import { z } from 'zod';
import { checkProposal } from '../machines/surgery.js';
import type { PlanState, SurgeonCase, SurgeonProposal } from '../machines/surgery.js';
import { planStorySchema } from './plan.js';
import { jsonInText } from './json-in-text.js';
import { oneLine, stripControl } from './text.js';

export const surgeonAnswerSchema = z.strictObject({
  action: z
    .enum(['retry', 'split', 'drop', 'fix'])
    .describe('retry or split a failed story, fix a failed gate, or drop'),
  reason: z.string().overwrite(oneLine).min(1).describe('why, in one line'),
  guidance: z
    .string()
    .overwrite(stripControl)
    .trim()
    .min(1)
    .optional()
    .describe('retry: what the story agent should do differently, addressed to it'),
  stories: z.array(planStorySchema).optional().describe('split and fix: the new stories'),
});

export type SurgeonAnswer =
  { readonly ok: true; readonly proposal: SurgeonProposal } | { readonly ok: false; readonly issues: string[] };

function proposalOf(answer: z.infer<typeof surgeonAnswerSchema>): SurgeonProposal | string {
  const { action, reason } = answer;
  if (action === 'drop') return { action, reason };
  if (action === 'retry')
    return answer.guidance === undefined ? '"retry" needs "guidance"' : { action, reason, guidance: answer.guidance };
  return answer.stories === undefined ? `"${action}" needs "stories"` : { action, reason, stories: answer.stories };
}

/** The proposal the answer holds, or every reason it cannot be used, in terms the Surgeon can repair. */
export function readSurgeonAnswer(
  structuredOutput: unknown,
  resultText: string,
  c: SurgeonCase,
  plan: PlanState,
): SurgeonAnswer {
  const value = structuredOutput ?? jsonInText(resultText);
  if (value === undefined) return { ok: false, issues: ['the answer holds no JSON: answer with the JSON object only'] };
  const parsed = surgeonAnswerSchema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'answer'}: ${issue.message}`),
    };
  const proposal = proposalOf(parsed.data);
  if (typeof proposal === 'string') return { ok: false, issues: [proposal] };
  const issues = checkProposal(c, proposal, plan);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, proposal };
}
