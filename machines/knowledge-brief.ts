// The lines of a story's brief, each section most useful first, and the cut to a byte budget on a line boundary.
import { COMMAND_LABELS } from './knowledge-commands.js';
import { commandResult } from './knowledge-observe.js';
import type { Knowledge } from './knowledge.js';
import { formatSize, oneLine, utf8Length } from './knowledge-text.js';

export interface BriefSection {
  readonly title: string;
  readonly lines: readonly string[];
}

const TITLE = '## What other agents already learned';
const MAX_LINE = 400;
const SHOWN_NAMES = 10;
const SHOWN_HITS = 5;

function others(ids: readonly string[], forStory: string): string[] {
  return ids.filter((id) => id !== forStory);
}

function code(text: string): string {
  return `\`${oneLine(text, MAX_LINE).replace(/`/g, "'")}\``;
}

function listWithMore(items: readonly string[], shown: number): string {
  const more = items.length > shown ? `, +${items.length - shown} more` : '';
  return `${items.slice(0, shown).join(', ')}${more}`;
}

export function commandLines(knowledge: Knowledge, forStory: string): string[] {
  return Object.entries(knowledge.commands)
    .filter(([, fact]) => others(fact.by, forStory).length > 0)
    .sort(([, a], [, b]) => COMMAND_LABELS.indexOf(a.label) - COMMAND_LABELS.indexOf(b.label))
    .map(
      ([command, fact]) => `- ${fact.label}: ${code(command)} → ${commandResult(fact)} (last run by ${fact.lastBy})`,
    );
}

export function changeLines(knowledge: Knowledge, forStory: string): string[] {
  return Object.entries(knowledge.changes)
    .map(([path, ids]) => [path, others(ids, forStory)] as const)
    .filter(([, ids]) => ids.length > 0)
    .sort(([pathA, a], [pathB, b]) => b.length - a.length || pathA.localeCompare(pathB))
    .map(([path, ids]) => `- ${code(path)} by ${ids.join(', ')}`);
}

export function fileLines(knowledge: Knowledge, forStory: string): string[] {
  return Object.entries(knowledge.files)
    .filter(([, fact]) => others(fact.readBy, forStory).length > 0)
    .sort(
      ([pathA, a], [pathB, b]) =>
        Number(b.declarations.length > 0) - Number(a.declarations.length > 0) ||
        b.readBy.length - a.readBy.length ||
        pathA.localeCompare(pathB),
    )
    .map(([path, fact]) => {
      const names = fact.declarations.length > 0 ? `: ${listWithMore(fact.declarations, SHOWN_NAMES)}` : '';
      return `- ${code(path)} (${formatSize(fact.size)})${names}`;
    });
}

export function searchLines(knowledge: Knowledge, forStory: string): string[] {
  return Object.values(knowledge.searches)
    .filter((fact) => others(fact.by, forStory).length > 0)
    .map((fact) => {
      const scope = fact.scope === undefined ? '' : ` in ${code(fact.scope)}`;
      const hits =
        fact.files.length === 0
          ? 'no files'
          : listWithMore(
              fact.files.map((file) => code(file)),
              SHOWN_HITS,
            );
      return `- ${code(fact.pattern)}${scope} → ${hits}`;
    });
}

const lineBytes = (lines: readonly string[]): number => lines.reduce((sum, line) => sum + utf8Length(line) + 1, 0);

const footer = (omitted: number): string[] => ['', `…and ${omitted} more facts`];

/** Title, non-empty sections, as many fact lines as fit with "…and N more facts" for the rest; '' when not one fits. */
export function fitToBytes(all: readonly BriefSection[], maxBytes: number): string {
  const sections = all.filter((section) => section.lines.length > 0);
  const total = sections.reduce((sum, section) => sum + section.lines.length, 0);
  if (total === 0) return '';
  const reserve = lineBytes(footer(total));
  const out = [TITLE];
  let used = lineBytes(out);
  let included = 0;
  for (const section of sections) {
    for (const [index, line] of section.lines.entries()) {
      const added = index === 0 ? ['', `### ${section.title}`, line] : [line];
      const cost = lineBytes(added);
      const needFooter = total - included - 1 > 0 ? reserve : 0;
      if (used + cost + needFooter > maxBytes)
        return included === 0 ? '' : `${[...out, ...footer(total - included)].join('\n')}\n`;
      out.push(...added);
      used += cost;
      included += 1;
    }
  }
  return `${out.join('\n')}\n`;
}
