// @ts-check
// The subset of claude's argv that baro uses, parsed and refused the way the real CLI does (docs/claude-cli.md §1).

/**
 * @typedef {object} CliOptions
 * @property {boolean} print
 * @property {boolean} verbose
 * @property {boolean} version
 * @property {string} outputFormat
 * @property {string} inputFormat
 * @property {string | undefined} model
 * @property {string | undefined} fallbackModel
 * @property {string | undefined} sessionId
 * @property {string | undefined} resume
 * @property {number | undefined} maxTurns
 * @property {number | undefined} maxBudgetUsd
 * @property {string | undefined} permissionMode
 * @property {boolean} skipPermissions
 * @property {string[]} allowedTools
 * @property {string[] | undefined} tools
 * @property {string | undefined} appendSystemPromptFile
 * @property {string | undefined} jsonSchema
 * @property {string | undefined} prompt
 * @property {{ option: string, value: string } | undefined} swallowed a would-be prompt that a variadic option read as its value (docs/claude-cli.md §1)
 */

/** @typedef {{ ok: true, options: CliOptions } | { ok: false, stderr: string }} ParsedArgv */

const FLAGS = new Map([
  ['-p', 'print'],
  ['--print', 'print'],
  ['--verbose', 'verbose'],
  ['--version', 'version'],
  ['-v', 'version'],
  ['--dangerously-skip-permissions', 'skipPermissions'],
]);
const VALUES = new Map([
  ['--output-format', 'outputFormat'],
  ['--input-format', 'inputFormat'],
  ['--model', 'model'],
  ['--fallback-model', 'fallbackModel'],
  ['--session-id', 'sessionId'],
  ['--resume', 'resume'],
  ['-r', 'resume'],
  ['--max-turns', 'maxTurns'],
  ['--max-budget-usd', 'maxBudgetUsd'],
  ['--permission-mode', 'permissionMode'],
  ['--append-system-prompt-file', 'appendSystemPromptFile'],
  ['--json-schema', 'jsonSchema'],
]);
const VARIADIC = new Map([
  ['--allowedTools', 'allowedTools'],
  ['--allowed-tools', 'allowedTools'],
  ['--tools', 'tools'],
]);
const CHOICES = new Map([
  ['outputFormat', { flag: '--output-format <format>', values: ['text', 'json', 'stream-json'] }],
  ['inputFormat', { flag: '--input-format <format>', values: ['text', 'stream-json'] }],
  [
    'permissionMode',
    {
      flag: '--permission-mode <mode>',
      values: ['acceptEdits', 'auto', 'bypassPermissions', 'manual', 'dontAsk', 'plan'],
    },
  ],
]);

/** @param {string} value */
function splitList(value) {
  return value.split(/[,\s]+/).filter((item) => item !== '');
}

/** @param {readonly string[]} argv @returns {ParsedArgv} */
export function parseArgv(argv) {
  /** @type {Record<string, string | boolean | string[] | undefined>} */
  const raw = {};
  /** @type {string[]} */
  const positional = [];
  /** @type {{ option: string, value: string } | undefined} */
  let lastVariadicValue;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    const inline = name === arg ? undefined : arg.slice(eq + 1);
    const flag = FLAGS.get(name);
    const value = VALUES.get(name);
    const variadic = VARIADIC.get(name);
    if (flag !== undefined && inline === undefined) {
      raw[flag] = true;
    } else if (value !== undefined) {
      const next = inline ?? argv[i + 1];
      if (next === undefined) return { ok: false, stderr: `error: option '${name} <value>' argument missing` };
      if (inline === undefined) i += 1;
      raw[value] = next;
    } else if (variadic !== undefined) {
      const list = Array.isArray(raw[variadic]) ? /** @type {string[]} */ (raw[variadic]) : [];
      if (inline !== undefined) list.push(...splitList(inline));
      while (inline === undefined && i + 1 < argv.length && !(argv[i + 1] ?? '-').startsWith('-')) {
        i += 1;
        lastVariadicValue = { option: name, value: argv[i] ?? '' };
        list.push(...splitList(lastVariadicValue.value));
      }
      raw[variadic] = list;
    } else {
      return { ok: false, stderr: `error: unknown option '${arg}'` };
    }
  }
  for (const [key, choice] of CHOICES) {
    const given = raw[key];
    if (typeof given === 'string' && !choice.values.includes(given)) {
      return {
        ok: false,
        stderr: `error: option '${choice.flag}' argument '${given}' is invalid. Allowed choices are ${choice.values.join(', ')}.`,
      };
    }
  }
  if (positional.length > 1) {
    return { ok: false, stderr: `error: too many arguments. Expected 1 argument but got ${positional.length}.` };
  }
  const maxTurns = raw['maxTurns'] === undefined ? undefined : Number(raw['maxTurns']);
  if (maxTurns !== undefined && !(Number.isInteger(maxTurns) && maxTurns > 0)) {
    return {
      ok: false,
      stderr: `error: option '--max-turns <turns>' argument '${String(raw['maxTurns'])}' is invalid.`,
    };
  }
  const maxBudgetUsd = raw['maxBudgetUsd'] === undefined ? undefined : Number(raw['maxBudgetUsd']);
  if (maxBudgetUsd !== undefined && !(maxBudgetUsd > 0)) {
    return {
      ok: false,
      stderr: `error: option '--max-budget-usd <amount>' argument '${String(raw['maxBudgetUsd'])}' is invalid.`,
    };
  }
  /** @param {string} key */
  const str = (key) => (typeof raw[key] === 'string' ? /** @type {string} */ (raw[key]) : undefined);
  /** @param {string} key */
  const list = (key) => (Array.isArray(raw[key]) ? /** @type {string[]} */ (raw[key]) : undefined);
  const prompt = positional[0];
  return {
    ok: true,
    options: {
      print: raw['print'] === true,
      verbose: raw['verbose'] === true,
      version: raw['version'] === true,
      skipPermissions: raw['skipPermissions'] === true,
      outputFormat: str('outputFormat') ?? 'text',
      inputFormat: str('inputFormat') ?? 'text',
      model: str('model'),
      fallbackModel: str('fallbackModel'),
      sessionId: str('sessionId'),
      resume: str('resume'),
      maxTurns,
      maxBudgetUsd,
      permissionMode: str('permissionMode'),
      allowedTools: list('allowedTools') ?? [],
      tools: list('tools'),
      appendSystemPromptFile: str('appendSystemPromptFile'),
      jsonSchema: str('jsonSchema'),
      prompt,
      swallowed: prompt === undefined ? lastVariadicValue : undefined,
    },
  };
}
