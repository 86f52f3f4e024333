// The plan as the review pane shows it: every level, every story with its tier, dependencies, acceptance criteria and
// writes, wrapped to the pane's width so nothing is cut off on a narrow terminal.
import type { PlanDef, StoryDef } from '../../machines/types.js';
import { oneLine } from '../../services/text.js';

/** Breaks `text` into lines of at most `width`, the first led by `first`, the others by `rest` (no shorter). */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const room = Math.max(1, width - rest.length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w !== '')) {
    let remaining = word;
    // A word longer than the line (a path, a URL) is cut where the line ends.
    while (remaining.length > room - (line === '' ? 0 : line.length + 1)) {
      if (line !== '') {
        lines.push(line);
        line = '';
        continue;
      }
      lines.push(remaining.slice(0, room));
      remaining = remaining.slice(room);
    }
    line = line === '' ? remaining : `${line} ${remaining}`;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines.map((l, i) => `${i === 0 ? first : rest}${l}`);
}

function storyLines(story: StoryDef, width: number): string[] {
  const deps = story.dependsOn.length > 0 ? `after ${story.dependsOn.map(oneLine).join(', ')}` : 'no dependencies';
  const writes = story.writes ?? [];
  return [
    ...wrap(`${oneLine(story.id)}  ${oneLine(story.title)}`, width, '  ', '    '),
    ...wrap(`${story.tier ?? 'standard'} · ${deps}`, width, '    ', '    '),
    ...story.acceptance.flatMap((item) => wrap(oneLine(item), width, '    ✓ ', '      ')),
    ...(writes.length > 0 ? wrap(`writes: ${writes.map(oneLine).join(', ')}`, width, '    ', '      ') : []),
  ];
}

/** Every line of the plan for a pane `width` characters wide. */
export function planLines(plan: PlanDef, levels: readonly (readonly string[])[], width: number): string[] {
  const byId = new Map(plan.stories.map((story) => [story.id, story]));
  return levels.flatMap((level, index) => [
    ...(index > 0 ? [''] : []),
    `Level ${index + 1}`,
    ...level.flatMap((id) => {
      const story = byId.get(id);
      return story === undefined ? [] : storyLines(story, width);
    }),
  ]);
}
