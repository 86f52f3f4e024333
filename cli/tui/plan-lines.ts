// The plan as the review pane shows it: every level, every story with its tier, dependencies, acceptance criteria and
// writes, wrapped to the pane's width so nothing is cut off on a narrow terminal.
import type { PlanDef, StoryDef } from '../../machines/types.js';
import { oneLine } from '../../services/text.js';

/** Breaks `text` into lines of at most `width`, the first led by `first`, the others by `rest`. */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  const room = () => Math.max(1, width - line.length - (empty ? 0 : 1));
  const newLine = () => {
    lines.push(line);
    line = rest;
    empty = true;
  };
  for (const word of text.split(' ').filter((w) => w !== '')) {
    let remaining = word;
    // A word longer than a whole line (a path, a URL) is cut where the line ends.
    while (remaining.length > room()) {
      if (!empty) newLine();
      else {
        const cut = room();
        line += remaining.slice(0, cut);
        remaining = remaining.slice(cut);
        empty = false;
        newLine();
      }
    }
    line += `${empty ? '' : ' '}${remaining}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

function storyLines(story: StoryDef, width: number): string[] {
  const deps = story.dependsOn.length > 0 ? `after ${story.dependsOn.map(oneLine).join(', ')}` : 'no dependencies';
  const writes = story.writes ?? [];
  return [
    ...wrap(oneLine(story.title), width, `  ${oneLine(story.id)}  `, '    '),
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
