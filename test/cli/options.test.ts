import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.js';
import { assertGoalOrPlan, parseRunOptions } from '../../cli/options.js';

describe('parseRunOptions', () => {
  it('fills the defaults of docs/cli.md', () => {
    expect(parseRunOptions({})).toEqual({
      plan: undefined,
      parallel: 3,
      yes: false,
      base: undefined,
      push: true,
      pr: true,
      draft: false,
      keepBranches: false,
      json: false,
      inspect: false,
      config: undefined,
      models: { planner: 'opus', story: 'sonnet', critic: 'haiku', surgeon: 'sonnet' },
      fromFlags: [],
    });
  });

  it('reads what commander gives for every option', () => {
    const options = parseRunOptions({
      plan: 'plan.json',
      parallel: '8',
      yes: true,
      base: 'develop',
      push: true,
      pr: false,
      draft: true,
      keepBranches: true,
      json: true,
      inspect: true,
      config: 'baro.config.json',
      modelPlanner: 'claude-opus-4-1',
      modelStory: 'opus[1m]',
      modelCritic: 'sonnet',
      modelSurgeon: 'haiku',
    });
    expect(options).toEqual({
      plan: 'plan.json',
      parallel: 8,
      yes: true,
      base: 'develop',
      push: true,
      pr: false,
      draft: true,
      keepBranches: true,
      json: true,
      inspect: true,
      config: 'baro.config.json',
      models: { planner: 'claude-opus-4-1', story: 'opus[1m]', critic: 'sonnet', surgeon: 'haiku' },
      fromFlags: ['parallel', 'base', 'modelPlanner', 'modelStory', 'modelCritic', 'modelSurgeon'],
    });
  });

  it('knows which options came from the command line, so the config file fills only the others', () => {
    const given = new Set(['parallel']);
    const options = parseRunOptions({ parallel: '2', base: 'main' }, (name) => given.has(name));
    expect(options.fromFlags).toEqual(['parallel']);
  });

  it('--no-push implies --no-pr', () => {
    expect(parseRunOptions({ push: false, pr: true })).toMatchObject({ push: false, pr: false });
  });

  it.each([
    ['1', 1],
    ['32', 32],
    [' 4 ', 4],
    [5, 5],
  ])('accepts --parallel %j', (value, expected) => {
    expect(parseRunOptions({ parallel: value }).parallel).toBe(expected);
  });

  it.each([['0'], ['33'], ['-1'], ['1.5'], ['abc'], [''], [2.5]])(
    'refuses --parallel %j with option, value and range',
    (value) => {
      const error = catchUsageError(() => parseRunOptions({ parallel: value }));
      expect(error.option).toBe('--parallel');
      expect(error.value).toBe(value);
      expect(error.message).toBe(
        `Invalid value for --parallel: ${JSON.stringify(value)}. Expected an integer from 1 to 32.`,
      );
    },
  );

  it.each([
    [{ plan: '' }, '--plan'],
    [{ base: '  ' }, '--base'],
    [{ modelStory: 'so net' }, '--model-story'],
    [{ modelCritic: '' }, '--model-critic'],
  ])('refuses %j naming %s', (raw, option) => {
    expect(catchUsageError(() => parseRunOptions(raw)).option).toBe(option);
  });
});

describe('assertGoalOrPlan', () => {
  it('accepts a goal or a plan', () => {
    expect(() => assertGoalOrPlan('Add rate limiting', parseRunOptions({}))).not.toThrow();
    expect(() => assertGoalOrPlan(undefined, parseRunOptions({ plan: 'plan.json' }))).not.toThrow();
  });

  it.each([[undefined], ['   ']])('refuses %j without a plan', (goal) => {
    expect(() => assertGoalOrPlan(goal, parseRunOptions({}))).toThrow(UsageError);
  });
});

function catchUsageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}
