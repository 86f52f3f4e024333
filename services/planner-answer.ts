// Reads the planner's answer: the structured output, else the JSON in its text, checked as a plan file is.
import { computeLevels } from '../machines/dag.js';
import type { Proposal } from '../machines/types.js';
import { checkPlan } from './plan.js';

export type PlannerAnswer =
  { readonly ok: true; readonly proposal: Proposal } | { readonly ok: false; readonly issues: string[] };

const FENCED = /```(?:json)?\s*\n([\s\S]*?)\n```/;

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false };
    throw error;
  }
}

/** The JSON a text answer carries: all of it, a fenced block, or the outermost braces. */
export function jsonInText(text: string): unknown {
  const candidates = [text.trim(), FENCED.exec(text)?.[1], text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue;
    const parsed = tryJson(candidate);
    if (parsed.ok) return parsed.value;
  }
  return undefined;
}

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
