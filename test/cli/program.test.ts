import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunOptions } from '../../cli/options.js';
import { runBaro } from '../helpers/cli.js';

let cwd: string;

beforeAll(async () => {
  cwd = await realpath(await mkdtemp(join(tmpdir(), 'baro-cli-program-')));
});

afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('baro --version and --help', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const result = await runBaro(['--version'], { cwd });
    expect(result).toMatchObject({ exitCode: 0, stdout: pkg.version });
  });

  it('--help explains baro, lists only the built commands and shows examples', async () => {
    const result = await runBaro(['--help'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^\s+run \[options\] \[goal\]/m);
    expect(result.stdout).toMatch(/^\s+doctor \[options\]/m);
    expect(result.stdout).toMatch(/^\s+plan \[options\] <goal>/m);
    expect(result.stdout).toMatch(/^\s+resume \[options\] \[runId\]/m);
    expect(result.stdout).toMatch(/^\s+stop \[runId\]/m);
    expect(result.stdout).toMatch(/^\s+runs \[options\]/m);
    expect(result.stdout).toContain('Claude Code');
    expect(result.stdout).toContain('baro "Add rate limiting to all API endpoints"');
    expect(result.stdout).toContain('baro plan "Add rate limiting to all API endpoints" --out plan.json');
    expect(result.stdout).toContain('baro run --plan plan.json --yes');
  });

  it('run --help lists every option of docs/cli.md with the defaults parseRunOptions applies', async () => {
    const result = await runBaro(['run', '--help'], { cwd });
    expect(result.exitCode).toBe(0);
    const help = result.stdout.replace(/\s+/g, ' ');
    for (const flag of [
      '--plan <file>',
      '--parallel <n>',
      '--yes',
      '--base <branch>',
      '--no-push',
      '--no-pr',
      '--draft',
      '--keep-branches',
      '--json',
      '--inspect',
      '--config <file>',
    ]) {
      expect(help).toContain(flag);
    }
    const defaults = parseRunOptions({});
    expect(help).toContain(`(default: ${defaults.parallel})`);
    expect(help).toContain(`--model-planner <model> model of the planner (default: ${defaults.models.planner})`);
    expect(help).toContain(`--model-story <model> model of the story agents (default: ${defaults.models.story})`);
  });

  it("run --help shows the Critic's and the Surgeon's models", async () => {
    const result = await runBaro(['run', '--help'], { cwd });
    expect(result.stdout).toContain('--model-critic <model>');
    expect(result.stdout).toContain('--model-surgeon <model>');
  });

  it('plan --help lists the options plan acts on: --out, --config and --model-planner', async () => {
    const result = await runBaro(['plan', '--help'], { cwd });
    const options = [...result.stdout.matchAll(/^\s+(--[a-z-]+)/gm)].map((match) => match[1]);
    expect(options).toEqual(['--out', '--config', '--model-planner']);
  });
});

describe('usage errors exit 2', () => {
  it('an unknown option names it and points at --help', async () => {
    const result = await runBaro(['--bogus'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
    expect(result.stderr).toContain('Run `baro --help` for usage.');
  });

  it('an option without its value', async () => {
    const result = await runBaro(['run', 'a goal', '--parallel'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("'--parallel <n>' argument missing");
  });

  it('an unquoted goal (too many arguments)', async () => {
    const result = await runBaro(['Add', 'rate', 'limiting'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('too many arguments');
  });

  it.each([['0'], ['33'], ['two'], ['1.5']])(
    'a bare goal with --parallel %s names the option, value and range',
    async (value) => {
      const result = await runBaro(['Add rate limiting', '--parallel', value], { cwd });
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trim()).toBe(
        `error: Invalid value for --parallel: "${value}". Expected an integer from 1 to 32.`,
      );
    },
  );

  it.each([
    ['doctr', 'doctor'],
    ['Doctor', 'doctor'],
    ['rnu', 'run'],
  ])('a one-word goal %s close to a command asks "did you mean `baro %s`?"', async (word, command) => {
    const result = await runBaro([word], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`did you mean \`baro ${command}\`?`);
  });

  it('a one-word goal far from every command is a goal', async () => {
    const result = await runBaro(['refactor'], { cwd });
    expect(result.stderr).not.toContain('did you mean');
  });

  it('no goal and no plan', async () => {
    const result = await runBaro([], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Missing goal');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('shows the stack of a usage error only with BARO_DEBUG=1', async () => {
    const result = await runBaro(['run', 'goal', '--parallel', '0'], { cwd, env: { BARO_DEBUG: '1' } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});
