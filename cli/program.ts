// Registers baro's commands with commander; each handler is imported only when its command runs.
import { Command } from 'commander';
import packageJson from '../package.json' with { type: 'json' };

const DESCRIPTION =
  'baro turns a Claude Code subscription into a team: it maps your repository, plans a goal into stories, shows ' +
  'you the plan, then runs the stories as several Claude Code sessions in parallel, each in its own git worktree, ' +
  'shares what they learn, warns them when they edit the same file, merges every story onto one branch, pushes it ' +
  'and opens a pull request with an honest run report. Start it, walk away, and come back to a pull request. ' +
  'On a terminal a TUI shows every story; --inspect serves the live statecharts on 127.0.0.1.';

const EXAMPLES = `
Examples:
  $ baro "Add rate limiting to all API endpoints"
  $ baro plan "Add rate limiting to all API endpoints" --out plan.json
  $ baro run --plan plan.json --yes --parallel 4
  $ baro demo                                   # a whole run with no Claude Code, on a throwaway repository
  $ baro run --plan plan.json --inspect
  $ baro inspect 20261201-062403-5620           # replay a run's statecharts
  $ baro machines --format svg --out machines/
  $ baro doctor`;

/** Builds the commander program; `setExitCode` receives each handler's exit code. */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('baro');
  // Set before any .command(): subcommands copy these settings when they are created.
  program
    .exitOverride()
    .showHelpAfterError('Run `baro --help` for usage.')
    .description(DESCRIPTION)
    .version(packageJson.version, '-V, --version', 'print the version of baro')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', EXAMPLES);

  program
    .command('run [goal]', { isDefault: true })
    .description('map → plan → review → execute → merge → push → pull request (also: baro "<goal>")')
    .option('--plan <file>', 'skip planning; use this plan file')
    .option('--parallel <n>', 'stories running at once, 1 to 32 (default: 3)')
    .option('--yes', 'approve the plan without asking (default: ask on a terminal; required without one)')
    .option(
      '--base <branch>',
      "branch the run starts from and the PR targets (default: the remote's default branch, else the current branch)",
    )
    .option('--no-push', 'keep everything local (implies --no-pr)')
    .option('--no-pr', 'push the branch but open no PR')
    .option('--draft', 'open the PR as a draft')
    .option('--keep-branches', "keep merged stories' branches (default: deleted once merged and pushed)")
    .option('--json', 'one JSON event per line on stdout, no TUI')
    .option('--inspect', 'serve the live statechart page on 127.0.0.1 and print its URL on stderr')
    .option('--config <file>', 'config file (default: baro.config.json in the repo root, if present)')
    .option('--model-planner <model>', 'model of the planner (default: opus)')
    .option('--model-story <model>', 'model of the story agents (default: sonnet)')
    .option('--model-critic <model>', 'model of the critic that reviews each story (default: haiku)')
    .option('--model-surgeon <model>', 'model of the surgeon, who replans failed stories (default: sonnet)')
    .action(async (goal: string | undefined, raw: unknown, command: Command) => {
      // git finds the repository while the run's code loads: its process's time, not baro's, on the first agent's way.
      const repoDir = import('../services/git/repo.js').then(({ repoRootIfAny }) => repoRootIfAny(process.cwd()));
      // Refused options end the command before anybody awaits it.
      repoDir.catch(() => undefined);
      const { parseRunOptions, assertGoalOrPlan } = await import('./options.js');
      const { refuseMistypedCommand } = await import('./mistyped.js');
      const commands = program.commands.map((c) => c.name());
      refuseMistypedCommand(goal, commands);
      const options = parseRunOptions(raw, (name) => command.getOptionValueSource(name) === 'cli');
      assertGoalOrPlan(goal, options);
      const { runCommand, processIo } = await import('./commands/run.js');
      setExitCode(await runCommand(goal, options, processIo(), repoDir));
    });

  program
    .command('plan <goal>')
    .description('map the repository and plan the goal; print the plan (JSON) or write it to a file, run nothing')
    .option('--out <file>', 'write the plan to this file instead of printing it')
    .option('--config <file>', 'config file (default: baro.config.json in the repo root, if present)')
    .option('--model-planner <model>', 'model of the planner (default: opus)')
    .action(async (goal: string, raw: { out?: string; config?: string; modelPlanner?: string }, command: Command) => {
      const { parseRunOptions } = await import('./options.js');
      const flags = parseRunOptions(
        { config: raw.config, modelPlanner: raw.modelPlanner },
        (name) => command.getOptionValueSource(name) === 'cli',
      );
      const { planCommand } = await import('./commands/plan.js');
      setExitCode(await planCommand(goal, { out: raw.out, flags }));
    });

  program
    .command('resume [runId]')
    .description(
      "continue an interrupted or stopped run where it was (default: this repository's newest): agents left from before are stopped, finished work is kept, nothing is merged twice",
    )
    .option('--json', 'one JSON event per line on stdout, no TUI')
    .option('--inspect', 'serve the live statechart page on 127.0.0.1 and print its URL on stderr')
    .action(async (runId: string | undefined, raw: { json?: boolean; inspect?: boolean }) => {
      const { resumeCommand } = await import('./commands/resume.js');
      setExitCode(await resumeCommand(runId, { json: raw.json === true, inspect: raw.inspect === true }));
    });

  program
    .command('stop [runId]')
    .description(
      'stop a running run gracefully from another terminal, as Ctrl-C does: agents stopped, state saved (default: the one running in this repository)',
    )
    .action(async (runId: string | undefined) => {
      const { stopCommand } = await import('./commands/stop.js');
      setExitCode(await stopCommand(runId));
    });

  program
    .command('runs')
    .description(
      "this repository's runs: id, status (running, stopped, interrupted, succeeded, partial, failed), branch, PR, start",
    )
    .option('--json', 'print the runs as one JSON array')
    .action(async (raw: { json?: boolean }) => {
      const { runsCommand } = await import('./commands/runs.js');
      setExitCode(await runsCommand({ json: raw.json === true }));
    });

  program
    .command('doctor')
    .description('check node, git, the repository, `claude` and its version, login, GitHub token and remote')
    .option('--json', 'print the checks as one JSON object')
    .action(async (raw: { json?: boolean }) => {
      const { doctorCommand } = await import('./commands/doctor.js');
      setExitCode(await doctorCommand({ json: raw.json === true }));
    });

  program
    .command('demo')
    .description("a whole run with no Claude Code: a throwaway repository, a built-in plan, baro's scripted agent")
    .option('--json', 'one JSON event per line on stdout, no TUI')
    .option('--inspect', 'serve the live statechart page on 127.0.0.1 and print its URL on stderr')
    .action(async (raw: { json?: boolean; inspect?: boolean }) => {
      const { demoCommand } = await import('./commands/demo.js');
      setExitCode(await demoCommand({ json: raw.json === true, inspect: raw.inspect === true }));
    });

  program
    .command('machines')
    .description("every participant's statechart, drawn from the machine definitions")
    .option('--format <format>', 'mermaid or svg', 'mermaid')
    .option('--out <dir>', 'write one file per machine into this folder (default: mermaid on stdout)')
    .action(async (raw: { format: string; out?: string }) => {
      const { machinesCommand } = await import('./commands/machines.js');
      setExitCode(await machinesCommand({ format: raw.format, out: raw.out }));
    });

  program
    .command('inspect <runId>')
    .description('the inspector page replaying a finished or interrupted run from its recorded events')
    .action(async (runId: string) => {
      const { inspectCommand } = await import('./commands/inspect.js');
      setExitCode(await inspectCommand(runId));
    });

  return program;
}
