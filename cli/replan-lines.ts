// How a replan reads as plain lines: what the Surgeon (or the fixed policy) decided, and the levels still to run.
import type { ConductorEmitted, ReplanCause } from '../machines/conductor.js';
import { BUDGET_SPENT, SETUP_NOT_REPLANNED } from '../machines/conductor-replan.js';

type Applied = Extract<ConductorEmitted, { type: 'replan.applied' }>;
type Skipped = Extract<ConductorEmitted, { type: 'replan.skipped' }>;

// The guidance quotes a failure's output for the agent: on a console its first line says enough.
const firstLine = (text: string) => (text.includes('\n') ? `${text.slice(0, text.indexOf('\n'))} …` : text);

const NEXT_STEP: Readonly<Record<string, string>> = {
  [BUDGET_SPENT]: 'raise replan.budget in baro.config.json',
  [SETUP_NOT_REPLANNED]: 'fix worktree.setup in baro.config.json, then run the plan again',
};

const causeText = (cause: ReplanCause) =>
  cause.kind === 'story' ? cause.storyId : `the integration gate (${cause.commands.join(', ') || 'no command named'})`;

function decision(event: Applied): string {
  const added = event.after.filter((story) => !event.before.some((b) => b.id === story.id)).map((story) => story.id);
  switch (event.action) {
    case 'retry':
      return `${causeText(event.cause)} runs again with guidance: ${firstLine(event.guidance ?? '')}`;
    case 'split':
      return `${causeText(event.cause)} is split into ${added.join(', ')}`;
    case 'fix':
      return `${causeText(event.cause)} failed; ${added.join(', ')} will fix it`;
    case 'drop': {
      const blocked = event.after.filter((s) => s.status === 'blocked').map((s) => s.id);
      return `${causeText(event.cause)} is dropped${blocked.length > 0 ? `; blocked: ${blocked.join(', ')}` : ''}`;
    }
  }
}

export function replanLine(event: Applied): string {
  const levels = event.levels.map((level) => level.join(' ')).join(' | ') || 'none';
  return [
    `replan by the ${event.by === 'surgeon' ? 'Surgeon' : 'fixed policy'}: ${decision(event)} (${event.reason})`,
    `  levels ahead: ${levels}; replans left: ${event.budgetLeft}`,
  ].join('\n');
}

export function skippedLine(event: Skipped): string {
  const next = NEXT_STEP[event.reason];
  return `no replan for ${causeText(event.cause)}: ${event.reason}${next === undefined ? '' : ` (${next})`}`;
}
