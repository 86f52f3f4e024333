import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { mergeOptions } from '../../../cli/run-config.js';
import { parseRunOptions } from '../../../cli/options.js';
import { JSON_SCHEMA_PATH, configJsonSchemaText } from '../../../services/config/json-schema.js';
import { ConfigError, parseConfig } from '../../../services/config/load.js';
import { keysNotActedOn, settingsFrom } from '../../../services/config/settings.js';

function problemsOf(config: unknown): readonly string[] {
  try {
    parseConfig(typeof config === 'string' ? config : JSON.stringify(config), 'baro.config.json');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const EXAMPLE = {
  parallel: 3,
  base: 'main',
  models: { planner: 'opus', story: 'sonnet', critic: 'haiku', surgeon: 'sonnet' },
  agent: { permissionMode: 'acceptEdits', allowedTools: ['Bash(npm test:*)'], maxTurns: 200, maxBudgetUsd: 5 },
  verify: { commands: ['npm test'], timeoutSeconds: 900 },
  worktree: { setup: ['npm ci'], copy: ['.env'] },
  review: { maxRounds: 2 },
  replan: { budget: 3 },
  quota: { marginSeconds: 60 },
  participants: ['./ci-notify.js'],
  live: { maxMessages: 6 },
};

describe('baro.config.json', () => {
  it('accepts the example of docs/cli.md, and an empty file', () => {
    expect(parseConfig(JSON.stringify(EXAMPLE), 'c.json')).toEqual(EXAMPLE);
    expect(parseConfig('{}', 'c.json')).toEqual({});
  });

  it('names each unknown key with its path and the key it resembles', () => {
    expect(problemsOf({ paralel: 2, agent: { permisionMode: 'auto' }, worktree: { zzz: 1 } })).toEqual([
      'agent.permisionMode: unknown key (did you mean permissionMode?)',
      'worktree.zzz: unknown key (known keys: setup, copy)',
      'paralel: unknown key (did you mean parallel?)',
    ]);
  });

  it('says what each key expects and what it got, listing every problem', () => {
    expect(
      problemsOf({
        parallel: 'three',
        base: '',
        models: { story: 'so net' },
        agent: { permissionMode: 'yolo', maxBudgetUsd: 0, allowedTools: [3] },
        worktree: { setup: 'npm ci', copy: ['../secrets', '/etc/passwd'] },
        participants: {},
      }),
    ).toEqual([
      'parallel: expected a whole number from 1 to 32, got "three"',
      'base: expected a branch name, got ""',
      'models.story: expected a model alias or id without spaces, like sonnet, got "so net"',
      'agent.permissionMode: expected one of default, acceptEdits, auto, dontAsk, plan, bypassPermissions, got "yolo"',
      'agent.allowedTools[0]: expected a permission rule, like "Bash(npm test:*)", got 3',
      'agent.maxBudgetUsd: expected a number of US dollars above 0, like 5, got 0',
      'worktree.setup: expected a list of shell commands, like ["npm ci"], got "npm ci"',
      'worktree.copy[0]: expected a path inside the repository, like ".env" (not absolute, no ".."), got "../secrets"',
      'worktree.copy[1]: expected a path inside the repository, like ".env" (not absolute, no ".."), got "/etc/passwd"',
      'participants: expected a list of participants, like ["./ci-notify.js"] (docs/participants.md), got an object',
    ]);
  });

  it('locates a JSON syntax error and refuses a file that is not an object', () => {
    expect(problemsOf('{\n  "parallel": 2,\n}')).toEqual([
      expect.stringMatching(/^not valid JSON at line 3, column 1 /),
    ]);
    expect(problemsOf([1])).toEqual(['(the file): expected a JSON object of settings, got a list']);
  });

  it('gives two review rounds, three replans and no configured checks by default, and takes the file over them', () => {
    const defaults = settingsFrom(undefined, undefined);
    expect(defaults.review).toEqual({ maxRounds: 2 });
    expect(defaults.replan).toEqual({ budget: 3 });
    expect(defaults.verify).toEqual({ commands: [], timeoutSeconds: 900 });
    const file = { review: { maxRounds: 0 }, replan: { budget: 1 }, verify: { commands: ['make test'] } };
    const set = settingsFrom(parseConfig(JSON.stringify(file), 'c.json'), 'c.json');
    expect([set.review.maxRounds, set.replan.budget, set.verify.commands]).toEqual([0, 1, ['make test']]);
  });

  it('bounds the live messages each story hears: 6 by default, live.maxMessages when set', () => {
    expect(settingsFrom(undefined, undefined).live).toEqual({ maxMessages: 6 });
    expect(settingsFrom(parseConfig('{"live":{"maxMessages":0}}', 'c.json'), 'c.json').live).toEqual({
      maxMessages: 0,
    });
    expect(problemsOf({ live: { maxMessages: -1, often: true } })).toEqual([
      'live.maxMessages: expected a whole number from 0 to 100, got -1',
      'live.often: unknown key (known keys: maxMessages)',
    ]);
  });

  it('fills the defaults and says which keys this version does not act on yet', () => {
    const settings = settingsFrom(parseConfig(JSON.stringify({ agent: { maxTurns: 9 } }), 'c.json'), 'c.json');
    expect(settings.agent).toEqual({
      permissionMode: 'acceptEdits',
      allowedTools: [],
      maxTurns: 9,
      maxBudgetUsd: undefined,
      idleMinutes: 20,
    });
    expect(settings.worktree).toEqual({ setup: [], copy: [] });
    expect(keysNotActedOn(EXAMPLE as never)).toEqual([]);
  });

  it('lets options typed on the command line win over the file, and the file over the defaults', () => {
    const config = { parallel: 1, base: 'develop', models: { story: 'haiku', planner: 'sonnet' } };
    const typed = new Set(['parallel', 'modelPlanner']);
    const flags = parseRunOptions({ parallel: '4', modelPlanner: 'opus' }, (name) => typed.has(name));
    expect(mergeOptions(flags, config)).toMatchObject({
      parallel: 4,
      base: 'develop',
      models: { planner: 'opus', story: 'haiku', critic: 'haiku', surgeon: 'sonnet' },
    });
    expect(mergeOptions(parseRunOptions({}), {})).toEqual(parseRunOptions({}));
  });

  it(`ships ${JSON_SCHEMA_PATH} as generated from the zod schema (run npm run schema after changing it)`, async () => {
    const committed = await readFile(new URL(`../../../${JSON_SCHEMA_PATH}`, import.meta.url), 'utf8');
    expect(committed).toBe(configJsonSchemaText());
    const schema = JSON.parse(committed) as { additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(['$schema', ...Object.keys(EXAMPLE)]);
  });
});
