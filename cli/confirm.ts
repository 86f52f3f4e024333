// The plan review on a terminal: show the levels, ask once, default yes.
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { Plan } from '../services/plan.js';
import { oneLine } from '../services/text.js';

/** The plan by level; its text is shown one line per story, whatever control characters it holds. */
export function planText(plan: Plan, levels: readonly (readonly string[])[]): string {
  const title = new Map(plan.stories.map((s) => [s.id, oneLine(s.title)]));
  const lines = levels.flatMap((level, index) => [
    `Level ${index + 1}`,
    ...level.map((id) => `  ${id}  ${title.get(id) ?? ''}`),
  ]);
  return `Plan for "${oneLine(plan.goal)}": ${plan.stories.length} stories\n${lines.join('\n')}\n`;
}

/** True unless the person answers no; `--yes` skips the question. */
export async function confirmPlan(
  text: string,
  io: { readonly input: Readable; readonly output: Writable },
): Promise<boolean> {
  const rl = createInterface({ input: io.input, output: io.output });
  try {
    const answer = await rl.question(`${text}Run this plan? [Y/n] `);
    return !/^\s*n/i.test(answer);
  } finally {
    rl.close();
  }
}
