// Which shell commands tell other agents how this project is tested, built, linted, typechecked or installed.

/** Labels in the order a brief lists them (most useful first). */
export const COMMAND_LABELS = ['test runner', 'build', 'typecheck', 'lint', 'format', 'install'] as const;

export type CommandLabel = (typeof COMMAND_LABELS)[number];

export interface ClassifiedCommand {
  readonly label: CommandLabel;
  /** The one command of a `&&` / `|` chain that revealed it, without redirections. */
  readonly command: string;
}

const TEST_TOOLS = new Set([
  'vitest',
  'jest',
  'mocha',
  'ava',
  'tap',
  'playwright',
  'cypress',
  'karma',
  'pytest',
  'nose2',
  'tox',
  'rspec',
  'phpunit',
  'ctest',
]);
const LINT_TOOLS = new Set([
  'eslint',
  'biome',
  'oxlint',
  'ruff',
  'flake8',
  'pylint',
  'golangci-lint',
  'stylelint',
  'rubocop',
  'shellcheck',
]);
const FORMAT_TOOLS = new Set(['prettier', 'black', 'gofmt', 'rustfmt', 'dprint']);
const TYPECHECK_TOOLS = new Set(['mypy', 'pyright', 'vue-tsc']);
const PACKAGE_MANAGERS = new Set(['npm', 'pnpm', 'yarn', 'bun']);
const WRAPPERS = new Set(['env', 'time', 'command', 'nice']);

// A script or target name: `test:unit`, `typecheck`, `lint:fix`, `build:prod`.
function labelOfName(name: string | undefined): CommandLabel | undefined {
  if (name === undefined) return undefined;
  if (/typecheck|type-check|types|tsc/i.test(name)) return 'typecheck';
  if (/lint/i.test(name)) return 'lint';
  if (/format|fmt|prettier/i.test(name)) return 'format';
  if (/test|spec|^check$|^verify$/i.test(name)) return 'test runner';
  if (/build|compile|dist|assemble|package/i.test(name)) return 'build';
  return undefined;
}

function lookup(table: Readonly<Record<string, CommandLabel>>, key: string | undefined): CommandLabel | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

const CARGO: Readonly<Record<string, CommandLabel>> = {
  test: 'test runner',
  nextest: 'test runner',
  build: 'build',
  clippy: 'lint',
  check: 'typecheck',
  fmt: 'format',
};
const GO: Readonly<Record<string, CommandLabel>> = {
  test: 'test runner',
  build: 'build',
  vet: 'lint',
  fmt: 'format',
  generate: 'build',
};
const MAVEN: Readonly<Record<string, CommandLabel>> = {
  test: 'test runner',
  verify: 'test runner',
  compile: 'build',
  package: 'build',
  install: 'build',
};

function positional(tokens: readonly string[]): string[] {
  return tokens.filter((token) => !token.startsWith('-'));
}

// The tokens from the first positional one on: `-y vitest run` → `vitest run`.
function fromFirstPositional(tokens: readonly string[]): string[] {
  const index = tokens.findIndex((token) => !token.startsWith('-'));
  return index === -1 ? [] : tokens.slice(index);
}

// The arguments after the sub-command, flags kept: `exec tsc -b` → `tsc -b`.
function afterSub(args: readonly string[]): string[] {
  return fromFirstPositional(args).slice(1);
}

function packageManager(tool: string, args: readonly string[]): CommandLabel | undefined {
  const [sub, next] = positional(args);
  if (sub === undefined) return tool === 'yarn' ? 'install' : undefined;
  if (['install', 'i', 'ci', 'add', 'sync'].includes(sub)) return 'install';
  if (sub === 'test' || sub === 't' || sub === 'tst') return 'test runner';
  if (sub === 'run' || sub === 'run-script') return labelOfName(next);
  if (sub === 'exec' || sub === 'dlx' || sub === 'x') return classifyTokens(fromFirstPositional(afterSub(args)));
  return tool === 'npm' ? undefined : labelOfName(sub);
}

function classifyTokens(raw: readonly string[]): CommandLabel | undefined {
  let tokens = [...raw];
  while (tokens[0] !== undefined && (/^\w+=/.test(tokens[0]) || WRAPPERS.has(tokens[0]))) tokens = tokens.slice(1);
  const tool = tokens[0]?.split('/').at(-1);
  if (tool === undefined) return undefined;
  const args = tokens.slice(1);
  const [sub] = positional(args);
  if (PACKAGE_MANAGERS.has(tool)) return packageManager(tool, args);
  if (tool === 'npx' || tool === 'bunx' || tool === 'pnpx') return classifyTokens(fromFirstPositional(args));
  if ((tool === 'uv' || tool === 'poetry' || tool === 'pipenv') && sub === 'run')
    return classifyTokens(fromFirstPositional(afterSub(args)));
  if (tool === 'uv' && sub === 'pip') return 'install';
  if (TEST_TOOLS.has(tool)) return 'test runner';
  if (LINT_TOOLS.has(tool)) return 'lint';
  if (FORMAT_TOOLS.has(tool)) return 'format';
  if (TYPECHECK_TOOLS.has(tool)) return 'typecheck';
  if (tool === 'tsc') return args.includes('-b') || args.includes('--build') ? 'build' : 'typecheck';
  if (tool === 'node' || tool === 'deno') return args.includes('--test') || sub === 'test' ? 'test runner' : undefined;
  if (/^python[\d.]*$/.test(tool) && args[0] === '-m') return classifyTokens(args.slice(1));
  if (/^pip[\d.]*$/.test(tool) || tool === 'bundle' || tool === 'composer')
    return sub === 'install' ? 'install' : undefined;
  if (tool === 'unittest') return 'test runner';
  if (tool === 'cargo') return lookup(CARGO, sub);
  if (tool === 'go') return lookup(GO, sub);
  if (tool === 'make' || tool === 'just' || tool === 'task') return sub === undefined ? 'build' : labelOfName(sub);
  if (tool === 'mvn' || tool === 'mvnw')
    return positional(args)
      .map((phase) => lookup(MAVEN, phase.split(':').at(-1)))
      .find((label) => label !== undefined);
  if (tool === 'gradle' || tool === 'gradlew')
    return positional(args)
      .map((task) => labelOfName(task.split(':').at(-1)))
      .find((label) => label !== undefined);
  return undefined;
}

/** The first command of the line that reveals how the project is checked, with its label. */
export function classifyCommand(command: string): ClassifiedCommand | undefined {
  for (const part of command.split(/\s*(?:&&|\|\||;|\||\n)\s*/)) {
    const segment = part
      .replace(/\s+\d*>>?&?\s*\S+/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    const label = classifyTokens(segment.split(' ').filter((token) => token !== ''));
    if (label !== undefined) return { label, command: segment };
  }
  return undefined;
}

/** What a command reveals to other agents, e.g. `test runner: npm test`; undefined for anything else. */
export function commandReveals(command: string): string | undefined {
  const found = classifyCommand(command);
  return found === undefined ? undefined : `${found.label}: ${found.command}`;
}
