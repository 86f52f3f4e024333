import { describe, expect, it } from 'vitest';
import {
  computeLevels,
  dependentsOf,
  levelSettled,
  nextLevel,
  propagateFailure,
  runStatus,
  assignSlots,
  validatePlanGraph,
  writeOverlaps,
} from '../../machines/dag.js';
import type { DagStory, StoryStatus } from '../../machines/dag.js';

function story(id: string, dependsOn: string[] = [], extra: Partial<DagStory> = {}): DagStory {
  return { id, dependsOn, acceptance: [`${id} works`], ...extra };
}

// S1 → (S2, S3) → S4
const diamond = [story('S1'), story('S2', ['S1']), story('S3', ['S1']), story('S4', ['S2', 'S3'])];

describe('validatePlanGraph', () => {
  it('accepts a valid diamond', () => {
    expect(validatePlanGraph(diamond)).toEqual([]);
  });

  it('refuses an empty plan', () => {
    expect(validatePlanGraph([])).toEqual([{ rule: 'no-stories', message: 'the plan has no stories' }]);
  });

  it('names duplicate ids, unknown and self dependencies, and empty acceptance', () => {
    const issues = validatePlanGraph([
      story('S1'),
      story('S1'),
      story('S2', ['S9']),
      story('S3', ['S3']),
      story('S4', [], { acceptance: [] }),
      story('S5', [], { acceptance: ['  '] }),
    ]);
    expect(issues).toEqual([
      { storyId: 'S1', rule: 'duplicate-id', message: 'story S1: id "S1" is used by 2 stories; ids must be unique' },
      { storyId: 'S2', rule: 'unknown-dependency', message: 'story S2: dependsOn names unknown story "S9"' },
      { storyId: 'S3', rule: 'self-dependency', message: 'story S3: dependsOn names the story itself' },
      {
        storyId: 'S4',
        rule: 'empty-acceptance',
        message: 'story S4: acceptance is empty; give at least one criterion',
      },
      {
        storyId: 'S5',
        rule: 'empty-acceptance',
        message: 'story S5: acceptance is empty; give at least one criterion',
      },
    ]);
  });

  it('names a two-story cycle once', () => {
    const issues = validatePlanGraph([story('S1', ['S2']), story('S2', ['S1'])]);
    expect(issues).toEqual([
      { storyId: 'S1', rule: 'cycle', message: 'story S1: dependsOn forms a cycle S1 → S2 → S1' },
    ]);
  });

  it('names a longer cycle behind an acyclic prefix', () => {
    const issues = validatePlanGraph([
      story('S0'),
      story('S1', ['S0', 'S3']),
      story('S2', ['S1']),
      story('S3', ['S2']),
    ]);
    expect(issues.map((issue) => issue.message)).toEqual(['story S1: dependsOn forms a cycle S1 → S3 → S2 → S1']);
  });

  it('reports two separate cycles', () => {
    const issues = validatePlanGraph([story('A', ['B']), story('B', ['A']), story('C', ['D']), story('D', ['C'])]);
    expect(issues.map((issue) => issue.rule)).toEqual(['cycle', 'cycle']);
    expect(issues.map((issue) => issue.storyId)).toEqual(['A', 'C']);
  });
});

describe('computeLevels', () => {
  it('levels a diamond by longest path', () => {
    expect(computeLevels(diamond)).toEqual([['S1'], ['S2', 'S3'], ['S4']]);
  });

  it('places a story after its deepest dependency and keeps plan order inside a level', () => {
    const stories = [story('late', ['b2']), story('a'), story('b1', ['a']), story('b2', ['b1']), story('c', ['a'])];
    expect(computeLevels(stories)).toEqual([['a'], ['b1', 'c'], ['b2'], ['late']]);
  });

  it('is total on broken graphs: unknown deps ignored, cycles in one last level', () => {
    const stories = [story('S1', ['nope']), story('S2', ['S3']), story('S3', ['S2']), story('S4', ['S1'])];
    expect(computeLevels(stories)).toEqual([['S1'], ['S4'], ['S2', 'S3']]);
  });
});

describe('dependents and failure propagation', () => {
  const chain = [story('S1'), story('S2', ['S1']), story('S3', ['S2']), story('S4'), story('S5', ['S4', 'S3'])];

  it('finds dependents transitively, in plan order', () => {
    expect(dependentsOf('S1', chain)).toEqual(['S2', 'S3', 'S5']);
    expect(dependentsOf('S5', chain)).toEqual([]);
  });

  it('blocks pending stories two hops away from a failure and leaves others alone', () => {
    const status: Record<string, StoryStatus> = {
      S1: 'failed',
      S2: 'pending',
      S3: 'pending',
      S4: 'merged',
      S5: 'pending',
    };
    expect(propagateFailure(status, chain)).toEqual({
      S1: 'failed',
      S2: 'blocked',
      S3: 'blocked',
      S4: 'merged',
      S5: 'blocked',
    });
    expect(status.S2).toBe('pending');
  });

  it('propagates from an already blocked story and never touches running ones', () => {
    const status: Record<string, StoryStatus> = {
      S1: 'merged',
      S2: 'blocked',
      S3: 'running',
      S4: 'pending',
      S5: 'pending',
    };
    expect(propagateFailure(status, chain)).toEqual({
      S1: 'merged',
      S2: 'blocked',
      S3: 'running',
      S4: 'pending',
      S5: 'blocked',
    });
  });
  it('walks a cycle once: its members block each other, the failed story stays failed', () => {
    const cycle = [story('S1', ['S2']), story('S2', ['S1']), story('S3', ['S2'])];
    expect(dependentsOf('S1', cycle)).toEqual(['S2', 'S3']);
    expect(propagateFailure({ S1: 'failed', S2: 'pending', S3: 'pending' }, cycle)).toEqual({
      S1: 'failed',
      S2: 'blocked',
      S3: 'blocked',
    });
  });
});

describe('slots and settling', () => {
  it('fills the slots agents leave free, in level order', () => {
    const level = ['A', 'B', 'C', 'D'];
    const none = { holding: [], waiting: [] };
    expect(
      assignSlots({ level, status: { A: 'pending', B: 'pending', C: 'pending', D: 'pending' }, parallel: 2, ...none }),
    ).toEqual({ grant: [], start: ['A', 'B'], prepare: [] });
    expect(
      assignSlots({
        level,
        status: { A: 'running', B: 'pending', C: 'merged', D: 'pending' },
        parallel: 2,
        holding: ['A'],
        waiting: [],
      }),
    ).toEqual({ grant: [], start: ['B'], prepare: [] });
    expect(
      assignSlots({
        level,
        status: { A: 'running', B: 'pending', X: 'running' },
        parallel: 2,
        holding: ['A', 'X'],
        waiting: [],
      }),
    ).toEqual({ grant: [], start: [], prepare: ['B', 'C'] });
    expect(assignSlots({ level: ['A'], status: {}, parallel: 0, ...none })).toEqual({
      grant: [],
      start: [],
      prepare: [],
    });
  });

  it('gives a free slot to a story waiting to resolve a conflict before starting a new one', () => {
    const status = { A: 'running', B: 'running', C: 'pending' } as const;
    expect(assignSlots({ level: ['A', 'B', 'C'], status, parallel: 2, holding: ['B'], waiting: ['A'] })).toEqual({
      grant: ['A'],
      start: [],
      prepare: ['C'],
    });
    expect(assignSlots({ level: ['A', 'B', 'C'], status, parallel: 3, holding: ['B'], waiting: ['A'] })).toEqual({
      grant: ['A'],
      start: ['C'],
      prepare: [],
    });
  });

  it('readies as many stories ahead as there are slots while every slot is taken, and keeps a freed slot for them', () => {
    const level = ['A', 'B', 'C', 'D', 'E', 'F'];
    const status = { A: 'running', B: 'running', C: 'pending', D: 'pending', E: 'pending', F: 'pending' } as const;
    const full = { level, status, parallel: 2, holding: ['A', 'B'], waiting: [] };
    expect(assignSlots(full)).toEqual({ grant: [], start: [], prepare: ['C', 'D'] });
    const readying = { ...full, status: { ...status, C: 'running' }, ahead: ['C'] } as const;
    expect(assignSlots(readying)).toEqual({ grant: [], start: [], prepare: ['D'] });
    // A's agent is done: the slot is C's, ready or not; no new story takes it.
    expect(assignSlots({ ...readying, holding: ['B'] })).toEqual({ grant: [], start: [], prepare: ['D'] });
    // C is ready and asks: it gets the slot.
    expect(assignSlots({ ...readying, holding: ['B'], waiting: ['C'] })).toEqual({
      grant: ['C'],
      start: [],
      prepare: ['D'],
    });
    // Two slots free, one readied story: the other slot starts the next story at once.
    expect(assignSlots({ ...readying, holding: [] })).toEqual({ grant: [], start: ['D'], prepare: [] });
  });

  it('treats a story missing from the map as pending, not as a prototype key', () => {
    expect(assignSlots({ level: ['constructor'], status: {}, parallel: 1, holding: [], waiting: [] }).start).toEqual([
      'constructor',
    ]);
    expect(levelSettled(['constructor'], {})).toBe(false);
  });

  it('settles a level when nothing can change any more', () => {
    expect(levelSettled(['A', 'B', 'C'], { A: 'merged', B: 'failed', C: 'blocked' })).toBe(true);
    expect(levelSettled(['A', 'B'], { A: 'merged', B: 'running' })).toBe(false);
    expect(levelSettled(['A', 'B'], { A: 'merged', B: 'pending' })).toBe(false);
  });

  it('summarises the run', () => {
    expect(runStatus({ A: 'merged', B: 'merged' })).toBe('succeeded');
    expect(runStatus({ A: 'merged', B: 'blocked' })).toBe('partial');
    expect(runStatus({ A: 'failed', B: 'blocked' })).toBe('failed');
    expect(runStatus({})).toBe('failed');
  });
});

describe('writeOverlaps', () => {
  it('lists declared paths shared by two or more stories of a level', () => {
    const level = [
      story('S1', [], { writes: ['src/a.ts', './src/shared.ts', 'src/dir/'] }),
      story('S2', [], { writes: ['src/shared.ts', 'src/b.ts', 'src/b.ts'] }),
      story('S3', [], { writes: ['src/dir', 'src/shared.ts'] }),
      story('S4'),
    ];
    expect(writeOverlaps(level)).toEqual([
      { path: 'src/shared.ts', stories: ['S1', 'S2', 'S3'] },
      { path: 'src/dir', stories: ['S1', 'S3'] },
    ]);
  });

  it('is empty when nothing is shared', () => {
    expect(writeOverlaps([story('S1', [], { writes: ['a'] }), story('S2', [], { writes: ['b'] })])).toEqual([]);
  });
});

describe('nextLevel', () => {
  const placedIn =
    (...ids: string[]) =>
    (id: string) =>
      ids.includes(id);

  it('gives the levels of computeLevels one after the other as stories are placed', () => {
    const stories = [...diamond, story('S5'), story('S6', ['S4', 'S5'])];
    const placed: string[] = [];
    const levels: string[][] = [];
    for (
      let level = nextLevel(stories, placedIn());
      level.length > 0;
      level = nextLevel(stories, placedIn(...placed))
    ) {
      levels.push(level);
      placed.push(...level);
    }
    expect(levels).toEqual(computeLevels(stories));
  });

  it('places a story added later once its dependencies were placed, whatever they became', () => {
    const stories = [...diamond, story('S5', ['S2'])];
    expect(nextLevel(stories, placedIn('S1', 'S2', 'S3', 'S4'))).toEqual(['S5']);
    expect(nextLevel(stories, placedIn('S1'))).toEqual(['S2', 'S3']);
  });

  it('puts stories on or behind a cycle in one last level, like computeLevels', () => {
    const stories = [story('S1'), story('S2', ['S3']), story('S3', ['S2']), story('S4', ['S2'])];
    expect(nextLevel(stories, placedIn('S1'))).toEqual(['S2', 'S3', 'S4']);
    expect(nextLevel(stories, placedIn('S1', 'S2', 'S3', 'S4'))).toEqual([]);
  });
});
