// The report's Replans section: what was done about each failed story or gate, level by level, and by whom.
import { cell, code } from './format.js';
import type { JournalFacts, ReplanFact } from './journal.js';

const causeOf = (replan: ReplanFact): string =>
  replan.cause.kind === 'story'
    ? `**${replan.cause.storyId}**`
    : `the integration gate (${replan.cause.commands.map(code).join(', ') || 'no command named'})`;

function decision(replan: ReplanFact): string {
  const cause = causeOf(replan);
  switch (replan.action) {
    case 'retry':
      return `${cause} ran again with guidance`;
    case 'split':
      return `${cause} was split into ${replan.added.join(', ')}`;
    case 'fix':
      return `${cause} failed; ${replan.added.join(', ')} added to fix it`;
    case 'drop':
      return `${cause} was dropped${replan.blocked.length > 0 ? `, leaving ${replan.blocked.join(', ')} blocked` : ''}`;
    case 'skipped':
      return `no replan for ${cause}`;
  }
}

const byWhom = (replan: ReplanFact): string =>
  replan.by === undefined ? '' : `, by the ${replan.by === 'surgeon' ? 'Surgeon' : 'fixed policy'}`;

/** Every replan of the run, in order; nothing when the plan ran as it was approved. */
export function replansSection(facts: JournalFacts): string[] {
  if (facts.replans.length === 0) return [];
  return [
    '## Replans',
    '',
    ...facts.replans.map(
      (replan) => `- Level ${replan.level + 1}${byWhom(replan)}: ${decision(replan)} — ${cell(replan.reason)}`,
    ),
  ];
}
