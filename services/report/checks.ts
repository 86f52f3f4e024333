// The report's Checks section (the final gate, the integration gates between levels, why the Critic sent stories
// back) and each story's verdict.
import { cell, code } from './format.js';
import type { CheckFact, JournalFacts } from './journal.js';

// Why a check did not run: the first line of what it said (a missing tool, the worktree's failed setup).
const whyNotRun = (tail: string | undefined): string => tail?.split('\n')[0]?.replace(/:$/, '') || 'tool missing';

const commandLine = (check: CheckFact): string =>
  check.results
    .map((r) => `${code(r.command)} ${r.status === 'notRun' ? `not run (${whyNotRun(r.tail)})` : r.status}`)
    .join(', ');

/** The final gate as it last ran: after a rebase before the push, the run on the rebased branch. */
export const finalGateOf = (facts: JournalFacts): CheckFact | undefined =>
  facts.checks.filter((check) => check.scope === 'final').at(-1);

function gates(checks: readonly CheckFact[]): string[] {
  const final = checks.filter((check) => check.scope === 'final').at(-1);
  const between = checks.filter((check) => check.scope === 'integration');
  return [
    ...(final === undefined ? [] : [`- Final gate: **${final.status}** — ${commandLine(final)}`]),
    ...between.map((gate) => `- After level ${(gate.level ?? 0) + 1}: ${gate.status} — ${commandLine(gate)}`),
  ];
}

/** The Critic's last verdict on a story and the round it came in, for the stories table. */
export function verdictCell(facts: JournalFacts, storyId: string): string {
  const last = facts.verdicts.filter((v) => v.storyId === storyId).at(-1);
  return last === undefined ? '—' : `${last.verdict} (round ${last.round})`;
}

// Why the Critic sent stories back, round by round: what the feedback turns were about.
function sentBack(facts: JournalFacts): string[] {
  const fails = facts.verdicts.filter((v) => v.verdict === 'fail');
  if (fails.length === 0) return [];
  return [
    '',
    'Sent back by the Critic:',
    '',
    ...fails.map((v) => `- ${v.storyId}, round ${v.round}: ${cell(v.reasons.join('; ') || 'no reason given')}`),
  ];
}

/** What was checked and judged; says plainly when the project has no checks baro could run. */
export function checksSection(facts: JournalFacts): string[] {
  const ran = facts.checks.some((check) => check.results.some((r) => r.status !== 'notRun'));
  const lines = ran
    ? gates(facts.checks)
    : [
        'No checks ran: no verification commands are configured (`verify.commands`) or detected, or their tools are missing. Build and test the branch before merging it.',
      ];
  return ['## Checks', '', ...lines, ...sentBack(facts)];
}
