// Reads the planner's answer: the structured output, else the JSON in its text, checked as a plan file is.
import { computeLevels } from '../machines/dag.js';
import type { Proposal } from '../machines/types.js';
import { jsonInText } from './json-in-text.js';
import { checkPlan } from './plan.js';

export type PlannerAnswer =
  { readonly ok: true; readonly proposal: Proposal } | { readonly ok: false; readonly issues: string[] };

/** The plan the answer holds, with its levels, or every rule it breaks in the plan's own terms. */
export function readPlannerAnswer(structuredOutput: unknown, resultText: string): PlannerAnswer {
  const value = structuredOutput ?? jsonInText(resultText);
  if (value === undefined) {
    return { ok: false, issues: ['the answer holds no JSON plan: answer with the plan as JSON only'] };
  }
  const checked = checkPlan(value);
  if (!checked.ok) return { ok: false, issues: checked.issues.map((issue) => issue.message) };
  return { ok: true, proposal: { plan: checked.plan, levels: computeLevels(checked.plan.stories) } };
}
