// How a replan reads as plain lines: what the Surgeon (or the fixed policy) decided, and the levels still to run.
import type { ConductorEmitted, ReplanCause } from '../machines/conductor.js';

type Applied = Extract<ConductorEmitted, { type: 'replan.applied' }>;
type Skipped = Extract<ConductorEmitted, { type: 'replan.skipped' }>;

const causeText = (cause: ReplanCause) =>
  cause.kind === 'story' ? cause.storyId : `the integration gate (${cause.commands.join(', ') || 'no command named'})`;

function decision(event: Applied): string {
  const added = event.after.filter((story) => !event.before.some((b) => b.id === story.id)).map((story) => story.id);
  switch (event.action) {
    case 'retry':
      return `${causeText(event.cause)} runs again with guidance: ${event.guidance ?? ''}`;
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
  return `no replan for ${causeText(event.cause)}: ${event.reason} (raise replan.budget in baro.config.json)`;
}
