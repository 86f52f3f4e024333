import { describe, expect, it } from 'vitest';
import { MAX_ARGV_PROMPT_BYTES, buildArgv, buildEnv, resolveClaudeBin } from '../../../services/claude/argv.js';

const SESSION = '0b7c6a2e-4f4e-4d1c-9a51-6f0d7f3b9c11';

describe('buildArgv', () => {
  it('puts every flag in the documented order and the prompt last after --', () => {
    const { args, stdinPrompt } = buildArgv({
      prompt: 'Fix the add function',
      model: 'sonnet',
      fallbackModel: 'haiku',
      sessionId: SESSION,
      maxTurns: 200,
      permissionMode: 'acceptEdits',
      allowedTools: ['Bash(npm test:*)', 'Bash(git status)'],
      appendSystemPromptFile: '/state/rules/s1.md',
      jsonSchema: { type: 'object', properties: { status: { type: 'string' } } },
    });
    expect(args).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--model',
      'sonnet',
      '--fallback-model',
      'haiku',
      '--session-id',
      SESSION,
      '--max-turns',
      '200',
      '--permission-mode',
      'acceptEdits',
      '--allowedTools=Bash(npm test:*),Bash(git status)',
      '--append-system-prompt-file',
      '/state/rules/s1.md',
      '--json-schema={"type":"object","properties":{"status":{"type":"string"}}}',
      '--',
      'Fix the add function',
    ]);
    expect(stdinPrompt).toBeUndefined();
  });

  it('keeps only the required flags when nothing optional is given', () => {
    expect(buildArgv({ prompt: 'hi', model: 'opus', sessionId: SESSION }).args).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--model',
      'opus',
      '--session-id',
      SESSION,
      '--',
      'hi',
    ]);
  });

  it('resumes with --resume and the new prompt', () => {
    const { args } = buildArgv({ prompt: 'continue', model: 'sonnet', sessionId: SESSION, resume: true });
    expect(args).toContain('--resume');
    expect(args[args.indexOf('--resume') + 1]).toBe(SESSION);
    expect(args).not.toContain('--session-id');
    expect(args.slice(-2)).toEqual(['--', 'continue']);
  });

  it('replaces the permission mode with --dangerously-skip-permissions', () => {
    const { args } = buildArgv({
      prompt: 'x',
      model: 'sonnet',
      sessionId: SESSION,
      permissionMode: 'acceptEdits',
      skipPermissions: true,
    });
    expect(args).toContain('--dangerously-skip-permissions');
    expect(args).not.toContain('--permission-mode');
  });

  it('omits an empty allowlist and keeps a prompt that starts with a dash after --', () => {
    const { args } = buildArgv({
      prompt: '--help is not a flag here',
      model: 'sonnet',
      sessionId: SESSION,
      allowedTools: [],
    });
    expect(args.some((arg) => arg.startsWith('--allowedTools'))).toBe(false);
    expect(args.slice(-2)).toEqual(['--', '--help is not a flag here']);
  });

  it('sends a prompt too large for argv on stdin instead', () => {
    const prompt = 'é'.repeat(MAX_ARGV_PROMPT_BYTES / 2 + 1);
    const { args, stdinPrompt } = buildArgv({ prompt, model: 'sonnet', sessionId: SESSION });
    expect(stdinPrompt).toBe(prompt);
    expect(args).not.toContain('--');
    expect(args).not.toContain(prompt);
  });
});

describe('buildArgv live input', () => {
  it('reads the prompt from stream-json stdin, so argv has no prompt whatever its size', () => {
    const prompt = 'é'.repeat(MAX_ARGV_PROMPT_BYTES);
    const { args, stdinPrompt } = buildArgv({ prompt, model: 'sonnet', sessionId: SESSION, liveInput: true });
    expect(args.slice(-2)).toEqual(['--input-format', 'stream-json']);
    expect(args).not.toContain('--');
    expect(args).not.toContain(prompt);
    expect(stdinPrompt).toBeUndefined();
  });
});

describe('buildArgv budget', () => {
  it('passes maxBudgetUsd as --max-budget-usd', () => {
    const { args } = buildArgv({ prompt: 'p', model: 'sonnet', sessionId: SESSION, maxBudgetUsd: 2.5 });
    expect(args.slice(args.indexOf('--max-budget-usd'), args.indexOf('--max-budget-usd') + 2)).toEqual([
      '--max-budget-usd',
      '2.5',
    ]);
    expect(buildArgv({ prompt: 'p', model: 'sonnet', sessionId: SESSION }).args).not.toContain('--max-budget-usd');
  });
});

describe('buildEnv', () => {
  it("gives a story's agent its PORT and BARO_PORT", () => {
    const env = buildEnv({ baseEnv: { PORT: '3000' }, runId: 'r1', role: 'story', storyId: 's1', port: 4102 });
    expect(env).toMatchObject({ PORT: '4102', BARO_PORT: '4102' });
  });

  const baseEnv = {
    PATH: '/usr/bin',
    HOME: '/home/dev',
    ANTHROPIC_API_KEY: 'sk-test',
    UNSET: undefined,
    BARO_STORY_ID: 'outer',
  };

  it('drops the API key, adds the headless switches and the baro labels, and leaves the base untouched', () => {
    const env = buildEnv({ baseEnv, runId: 'r1', role: 'story', storyId: 's1' });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/dev',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      BARO_RUN_ID: 'r1',
      BARO_ROLE: 'story',
      BARO_STORY_ID: 's1',
    });
    expect(baseEnv.ANTHROPIC_API_KEY).toBe('sk-test');
  });

  it('keeps the API key in API-key mode and sets IS_SANDBOX only when skipping permissions', () => {
    const env = buildEnv({ baseEnv, runId: 'r1', role: 'planner', apiKeyMode: true, skipPermissions: true });
    expect(env['ANTHROPIC_API_KEY']).toBe('sk-test');
    expect(env['IS_SANDBOX']).toBe('1');
    expect(env['BARO_ROLE']).toBe('planner');
    expect(env['BARO_STORY_ID']).toBeUndefined();
    expect(buildEnv({ baseEnv, runId: 'r1', role: 'critic' })['IS_SANDBOX']).toBeUndefined();
  });
});

describe('resolveClaudeBin', () => {
  it('prefers BARO_CLAUDE_BIN and falls back to claude', () => {
    expect(resolveClaudeBin({ BARO_CLAUDE_BIN: '/opt/fake/claude' })).toBe('/opt/fake/claude');
    expect(resolveClaudeBin({ BARO_CLAUDE_BIN: '' })).toBe('claude');
    expect(resolveClaudeBin({})).toBe('claude');
  });
});
