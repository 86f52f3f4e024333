// The plan review on a terminal: the plan by level, then one key: approve, refine with typed feedback, or quit.
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { ReviewEvent } from '../machines/run-context.js';
import type { Proposal, StoryDef } from '../machines/types.js';
import { oneLine } from '../services/text.js';
import { planSize } from '../services/words.js';

export interface ReviewOptions {
  /** Whether the planner can revise the plan (a plan given with --plan has no planner session). */
  readonly canRefine: boolean;
}

/** Whoever answers the Run's plan review: the TUI in its screen, or the plain review on a terminal. */
export type Reviewer = (proposal: Proposal, options: ReviewOptions) => Promise<ReviewEvent>;

export interface ReviewTerminal {
  readonly input: Readable;
  readonly output: Writable;
}

// Terminal escapes and other control characters in a model's text must not reach the terminal raw.
const printable = oneLine;

function storyLines(story: StoryDef): string[] {
  const deps = story.dependsOn.length > 0 ? `after ${story.dependsOn.join(', ')}` : 'no dependencies';
  return [
    `  ${printable(story.id)}  ${printable(story.title)}  [${story.tier ?? 'standard'}; ${deps}]`,
    ...story.acceptance.map((item) => `      ✓ ${printable(item)}`),
    ...(story.writes !== undefined && story.writes.length > 0
      ? [`      writes: ${story.writes.map(printable).join(', ')}`]
      : []),
  ];
}

/** The plan as the person reviews it: every level, every story with its dependencies, acceptance, writes, tier. */
export function planText({ plan, levels }: Proposal): string {
  const byId = new Map(plan.stories.map((s) => [s.id, s]));
  const lines = levels.flatMap((level, index) => [
    `Level ${index + 1}`,
    ...level.flatMap((id) => {
      const story = byId.get(id);
      return story === undefined ? [] : storyLines(story);
    }),
  ]);
  return `Plan for "${printable(plan.goal)}": ${planSize(plan.stories.length, levels.length)}\n${lines.join('\n')}\n`;
}

type Key = 'approve' | 'refine' | 'quit' | 'other';

function keyOf(chunk: string): Key {
  const key = chunk.startsWith('\r') || chunk.startsWith('\n') ? '\r' : chunk.trim().toLowerCase().charAt(0);
  if (key === 'a' || key === '\r' || key === 'y') return 'approve';
  if (key === 'r') return 'refine';
  // Ctrl-C and Ctrl-D arrive as characters in raw mode.
  if (key === 'q' || key === 'n' || key === '\u0003' || key === '\u0004') return 'quit';
  return 'other';
}

function setRaw(input: Readable, raw: boolean): void {
  if ('setRawMode' in input && typeof input.setRawMode === 'function' && 'isTTY' in input && input.isTTY === true)
    input.setRawMode(raw);
}

/** One key press (a line, when the input is not a terminal); 'quit' when the input ends. */
function readKey(input: Readable): Promise<Key> {
  return new Promise((resolve) => {
    const finish = (key: Key) => {
      input.off('data', onData);
      input.off('end', onEnd);
      setRaw(input, false);
      input.pause();
      resolve(key);
    };
    const onData = (chunk: Buffer | string) => finish(keyOf(String(chunk)));
    const onEnd = () => finish('quit');
    setRaw(input, true);
    input.on('data', onData);
    input.once('end', onEnd);
    input.resume();
  });
}

async function readFeedback(terminal: ReviewTerminal): Promise<string> {
  const rl = createInterface({ input: terminal.input, output: terminal.output });
  try {
    return (await rl.question('What should change? (one line, Enter to send) ')).trim();
  } finally {
    rl.close();
    terminal.input.pause();
  }
}

/** Shows the plan and asks until the person approves, quits, or gives feedback for the planner. */
export async function reviewPlan(
  proposal: Proposal,
  terminal: ReviewTerminal,
  options: ReviewOptions,
): Promise<ReviewEvent> {
  terminal.output.write(planText(proposal));
  const choices = options.canRefine ? '[a]pprove (Enter), [r]efine, [q]uit' : '[a]pprove (Enter), [q]uit';
  for (;;) {
    terminal.output.write(`Run this plan? ${choices} `);
    const key = await readKey(terminal.input);
    terminal.output.write('\n');
    if (key === 'approve') return { type: 'review.approve' };
    if (key === 'quit') return { type: 'review.quit' };
    if (key === 'refine' && options.canRefine) {
      const feedback = await readFeedback(terminal);
      if (feedback !== '') return { type: 'review.refine', feedback };
    }
  }
}
