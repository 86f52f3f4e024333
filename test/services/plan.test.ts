import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanError, branchForPlan, checkPlan, loadPlan, parsePlan, slugify } from '../../services/plan.js';

const story = (id: string, dependsOn: string[] = []): Record<string, unknown> => ({
  id,
  title: `Story ${id}`,
  description: `Build ${id}.`,
  dependsOn,
  acceptance: [`${id} works`],
});

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baro-plan-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function planFile(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function planErrorOf(promise: Promise<unknown>): Promise<PlanError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof PlanError)) throw new Error(`expected a PlanError, got ${String(error)}`);
  return error;
}

describe('loadPlan', () => {
  it('loads the example of docs/cli.md', async () => {
    const path = await planFile(
      'ok.json',
      JSON.stringify({
        goal: 'Add rate limiting to all API endpoints',
        branch: 'rate-limiting',
        stories: [{ ...story('S1'), writes: ['src/limiter.ts'], tier: 'standard' }, story('S2', ['S1'])],
      }),
    );
    const plan = await loadPlan(path);
    expect(plan.goal).toBe('Add rate limiting to all API endpoints');
    expect(plan.stories.map((s) => s.id)).toEqual(['S1', 'S2']);
    expect(plan.stories[0]).toEqual({ ...story('S1'), writes: ['src/limiter.ts'], tier: 'standard' });
  });

  it('refuses unknown keys, naming the story and the key it resembles', async () => {
    const path = await planFile(
      'typo.json',
      JSON.stringify({ goal: 'g', generatedBy: 'x', stories: [story('S1'), { ...story('S2'), dependOn: ['S1'] }] }),
    );
    const error = await planErrorOf(loadPlan(path));
    expect(error.issues).toEqual([
      { storyId: 'S2', rule: 'schema', message: 'story S2: unknown key "dependOn" (did you mean "dependsOn"?)' },
      { rule: 'schema', message: 'the plan: unknown key "generatedBy" (known keys: goal, branch, stories)' },
    ]);
  });

  it('refuses writes outside the repository', async () => {
    const path = await planFile(
      'writes.json',
      JSON.stringify({
        goal: 'g',
        stories: [{ ...story('S1'), writes: ['../x', '/etc/passwd', 'src/a/../b.ts', 'ok.ts'] }],
      }),
    );
    const error = await planErrorOf(loadPlan(path));
    expect(error.issues.map((issue) => issue.message)).toEqual([
      'story S1: "writes[0]": "../x" is outside the repository (write paths are relative to its root, without "..")',
      'story S1: "writes[1]": "/etc/passwd" is outside the repository (write paths are relative to its root, without "..")',
      'story S1: "writes[2]": "src/a/../b.ts" is outside the repository (write paths are relative to its root, without "..")',
    ]);
  });

  it('keeps control characters and escape codes out of the plan text', () => {
    const plan = parsePlan(
      JSON.stringify({
        goal: 'Goal\u001b[31m red',
        stories: [
          {
            ...story('S1'),
            title: 'Title\nSigned-off-by: x\u001b]0;pwned\u0007',
            description: 'Line 1\r\nLine 2\u0000',
          },
        ],
      }),
      'p.json',
    );
    expect(plan.goal).toBe('Goal red');
    expect(plan.stories[0]?.title).toBe('Title Signed-off-by: x');
    expect(plan.stories[0]?.description).toBe('Line 1\nLine 2');
  });

  it('says which file could not be read', async () => {
    const path = join(dir, 'missing.json');
    const error = await planErrorOf(loadPlan(path));
    expect(error.issues).toEqual([{ rule: 'unreadable', message: expect.stringContaining('ENOENT') }]);
    expect(error.message).toContain(`Invalid plan ${path}: cannot read the file`);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('points at the line and column of a JSON syntax error', async () => {
    const path = await planFile('broken.json', '{\n  "goal": "x",\n  "stories": [,]\n}\n');
    const error = await planErrorOf(loadPlan(path));
    expect(error.issues[0]?.rule).toBe('invalid-json');
    expect(error.message).toContain('line 3, column 15');
  });

  it("says every schema error in the plan's own terms, naming the story and the field", async () => {
    const path = await planFile(
      'schema.json',
      JSON.stringify({
        goal: '',
        stories: [
          story('S1'),
          { ...story('S2'), acceptance: 'tests pass' },
          { ...story('S3'), tier: 'huge' },
          { id: 'S4', title: 'Four' },
        ],
      }),
    );
    const error = await planErrorOf(loadPlan(path));
    expect(error.issues.map((issue) => [issue.storyId, issue.message])).toEqual([
      [undefined, '"goal" is empty: expected the goal as text'],
      ['S2', 'story S2: "acceptance": expected a list of checkable criteria as texts, got "tests pass"'],
      ['S3', 'story S3: "tier": expected one of light, standard, heavy, got "huge"'],
      ['S4', 'story S4: "description" is missing: expected a description as text'],
      [
        'S4',
        'story S4: "dependsOn" is missing: expected a list of story ids (an empty list [] when it depends on none)',
      ],
      ['S4', 'story S4: "acceptance" is missing: expected a list of checkable criteria as texts'],
    ]);
    expect(error.message).not.toMatch(/received|expected array|more problems/);
  });

  it('refuses a story id that cannot name a branch', async () => {
    const path = await planFile(
      'id.json',
      JSON.stringify({ goal: 'g', stories: [{ ...story('S1'), id: 'a b/../c' }] }),
    );
    const error = await planErrorOf(loadPlan(path));
    expect(error.issues).toEqual([
      { rule: 'schema', message: expect.stringMatching(/^story #1: "id": expected an id of 1-64 letters/) },
    ]);
  });

  it('applies the graph rules with the message of docs/cli.md', async () => {
    const path = await planFile(
      'graph.json',
      JSON.stringify({ goal: 'g', stories: [story('S1'), story('S3', ['S9'])] }),
    );
    const error = await planErrorOf(loadPlan(path));
    expect(error.issues).toEqual([
      { storyId: 'S3', rule: 'unknown-dependency', message: 'story S3: dependsOn names unknown story "S9"' },
    ]);
    expect(error.message).toBe(`Invalid plan ${path}: story S3: dependsOn names unknown story "S9"`);
  });

  it('lists every problem in the message, one per line', async () => {
    const stories = Array.from({ length: 7 }, (_, i) => story(`S${i}`, ['missing']));
    const error = await planErrorOf(loadPlan(await planFile('many.json', JSON.stringify({ goal: 'g', stories }))));
    expect(error.issues).toHaveLength(7);
    expect(error.message.split('\n')).toHaveLength(8);
    expect(error.message).not.toContain('more problems');
  });
});

describe('checkPlan and parsePlan', () => {
  it('returns issues as data for the planner to repair', () => {
    expect(checkPlan({ goal: 'g', stories: [] })).toEqual({
      ok: false,
      issues: [{ rule: 'no-stories', message: 'the plan has no stories' }],
    });
    expect(checkPlan({ goal: 'g', stories: [story('S1')] }).ok).toBe(true);
  });

  it('lists the graph rules a plan breaks along with its schema errors, so one repair can fix them all', () => {
    const checked = checkPlan({
      goal: 'g',
      stories: [
        { ...story('S1', ['S3']), dependOn: [] },
        { ...story('S2', ['S9']), acceptance: [] },
        { ...story('S3', ['S1']), tier: 'huge' },
        { id: 'S4', title: 'Four' },
      ],
    });
    expect(checked.ok ? [] : checked.issues.map((issue) => issue.message)).toEqual([
      'story S1: unknown key "dependOn" (did you mean "dependsOn"?)',
      'story S3: "tier": expected one of light, standard, heavy, got "huge"',
      'story S4: "description" is missing: expected a description as text',
      'story S4: "dependsOn" is missing: expected a list of story ids (an empty list [] when it depends on none)',
      'story S4: "acceptance" is missing: expected a list of checkable criteria as texts',
      'story S2: dependsOn names unknown story "S9"',
      'story S2: acceptance is empty; give at least one criterion',
      'story S1: dependsOn forms a cycle S1 → S3 → S1',
    ]);
  });

  it('leaves the graph rules out while a story has no id to name it by', () => {
    const checked = checkPlan({ goal: 'g', stories: [story('S1', ['S2']), { ...story('S2'), id: 2 }] });
    expect(checked.ok ? [] : checked.issues.map((issue) => issue.rule)).toEqual(['schema']);
  });

  it('reads through a byte-order mark', () => {
    expect(parsePlan(`\uFEFF${JSON.stringify({ goal: 'g', stories: [story('S1')] })}`, 'bom.json').goal).toBe('g');
  });

  it('reports truncated JSON at its end', () => {
    expect(() => parsePlan('{\n"goal":', 'cut.json')).toThrow(/cut\.json: not valid JSON at line 2, column 8/);
  });

  it.each([
    ['a position', '{"goal": "g"} x', 'line 1, column 15'],
    ['a short text', '[,1]', 'line 1, column 2'],
    ['context after the token', '{"a": x, "bbbbbbbbbbbbbbbbbbbbbbbbbbbb": 1}', 'line 1, column 7'],
    ['context around the token', '{"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb": 1,\n "a": x, "c": 2}', 'line 2, column 7'],
    ['context before the token', '{"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb": 1,\n "a": x}', 'line 2, column 7'],
  ])('locates a syntax error given with %s', (_, text, where) => {
    expect(() => parsePlan(text, 'p.json')).toThrow(`not valid JSON at ${where}`);
  });
});

describe('slugify and branchForPlan', () => {
  it('keeps lowercase letters, digits and single dashes', () => {
    expect(slugify('Add JWT authentication (RBAC) — v2!')).toBe('add-jwt-authentication-rbac-v2');
    expect(slugify('Crème brûlée façade')).toBe('creme-brulee-facade');
  });

  it('cuts long text near 40 characters on a word boundary', () => {
    const slug = slugify('Add rate limiting to all API endpoints and document every limit');
    expect(slug).toBe('add-rate-limiting-to-all-api-endpoints');
    expect(slugify('x'.repeat(100))).toBe('x'.repeat(40));
    expect(slugify('a '.repeat(60)).length).toBeLessThanOrEqual(40);
  });

  it('is never empty', () => {
    expect(slugify('')).toBe('run');
    expect(slugify('!!! ???')).toBe('run');
    expect(slugify('日本語')).toBe('run');
  });

  it('names the branch after the plan branch, else the goal', () => {
    expect(branchForPlan({ goal: 'Add rate limiting', branch: 'Rate Limiting' })).toBe('baro/rate-limiting');
    expect(branchForPlan({ goal: 'Add rate limiting' })).toBe('baro/add-rate-limiting');
    expect(branchForPlan({ goal: 'g', branch: 'baro/already-prefixed' })).toBe('baro/already-prefixed');
  });
});
