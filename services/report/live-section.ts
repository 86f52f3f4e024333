// The report's account of live messages: how many the Sentry and the Librarian said to running agents, how fast
// they arrived, and how many waited for a next prompt.
import { count } from '../words.js';
import type { JournalFacts } from './journal.js';

const speaker = (from: string) => `${from.charAt(0).toUpperCase()}${from.slice(1)}`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function liveSection(facts: JournalFacts): string[] {
  const { sent, latenciesMs, withheld } = facts.messages;
  if (sent.length === 0 && withheld === 0)
    return ['## Live messages', '', 'None: no running story touched what another one did.'];
  const bySpeaker = new Map<string, number>();
  for (const message of sent) {
    const key = `${speaker(message.from)} (${message.kind})`;
    bySpeaker.set(key, (bySpeaker.get(key) ?? 0) + 1);
  }
  const stories = new Set(sent.map((message) => message.storyId)).size;
  const said = [...bySpeaker].map(([who, n]) => `${who}: ${n}`).join(', ');
  const latency =
    latenciesMs.length === 0
      ? ''
      : `; delivery latency median ${Math.round(median(latenciesMs))} ms, slowest ${Math.round(Math.max(...latenciesMs))} ms`;
  return [
    '## Live messages',
    '',
    `| said to running agents | delivered | kept for a next prompt |`,
    `|---|---|---|`,
    `| ${sent.length} to ${count(stories, 'story', 'stories')} | ${latenciesMs.length} | ${withheld} |`,
    '',
    `${said === '' ? 'Nothing said live' : said}${latency}. A message reaches an agent when its running tool finishes; one over a story's budget (\`live.maxMessages\`) waits for its next prompt.`,
  ];
}
