// Counted nouns for the lines people read: "1 story", "2 stories".

export const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** A plan's size, as every screen says it. */
export const planSize = (stories: number, levels: number): string =>
  `${count(stories, 'story', 'stories')} in ${count(levels, 'level', 'levels')}`;
