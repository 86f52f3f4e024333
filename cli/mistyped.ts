// A one-word goal that is nearly a command name is a typo (`baro doctr`), not a goal: ask instead of running it.
import { closest } from '../services/suggest.js';
import { UsageError } from './errors.js';

export function refuseMistypedCommand(goal: string | undefined, commands: readonly string[]): void {
  const word = goal?.trim() ?? '';
  if (word === '' || /\s/.test(word)) return;
  const command = closest(word, commands);
  if (command === undefined) return;
  throw new UsageError(
    `"${word}" is not a baro command: did you mean \`baro ${command}\`? (A goal of a few words runs as a goal.)`,
    { option: 'goal', value: goal },
  );
}
