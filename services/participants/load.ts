// Loads the config's participants: a path from the repository root, an installed package, or one shipped with baro
// (webhook, command); each default export checked before the run starts.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { importEsm } from '../esm-import.js';
import { closest } from '../suggest.js';
import type { ParticipantEntry } from '../config/schema.js';
import { readDefinition } from './definition.js';
import type { ParticipantDefinition } from './definition.js';

export interface LoadedParticipant {
  readonly definition: ParticipantDefinition;
  /** How long it may take per event before it is stopped. */
  readonly timeoutMs: number;
  readonly module: string;
}

export const DEFAULT_TIMEOUT_SECONDS = 30;

/** A participant that cannot join the run: which entry, and why. */
export class ParticipantLoadError extends Error {
  override readonly name = 'ParticipantLoadError';
  readonly module: string;

  constructor(module: string, reasons: readonly string[], options?: ErrorOptions) {
    super(`participant ${module}: ${reasons.join('; ')}`, options);
    this.module = module;
  }
}

const SHIPPED: Readonly<Record<string, () => Promise<unknown>>> = {
  webhook: () => import('./webhook.js'),
  command: () => import('./command.js'),
};

/** The file of the module, from where the config documents: a path from the repository root, or a package. */
function fileOf(module: string, repoDir: string): string {
  if (module.startsWith('.') || isAbsolute(module)) return resolve(repoDir, module);
  return createRequire(join(repoDir, 'package.json')).resolve(module);
}

/** The first line of an error: Node's module errors append a require stack, and name baro's file, nobody needs here. */
const firstLine = (error: unknown) =>
  ((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '').replace(/ imported from \S+$/, '');

/**
 * Where a module that does not parse goes wrong, `file:line` and the message, as `node --check` says it. With
 * node:child_process rather than execa: this module is loaded before every run, and execa's import costs ~150 ms.
 */
function syntaxError(file: string): Promise<string | undefined> {
  return new Promise((resolveCheck) => {
    execFile(process.execPath, ['--check', file], (error, _stdout, stderr) => {
      if (error === null) return resolveCheck(undefined);
      const lines = stderr.split('\n');
      const message = lines.find((line) => line.startsWith('SyntaxError'));
      resolveCheck(message === undefined ? undefined : `${message} at ${lines[0] ?? file}`);
    });
  });
}

/** A factory's refusal in the config's terms: `options.url: Invalid URL`. */
function refusal(error: unknown): string[] {
  if (!(error instanceof z.ZodError)) return [`its options are refused: ${firstLine(error)}`];
  return error.issues.map((issue) => `options${issue.path.map((key) => `.${String(key)}`).join('')}: ${issue.message}`);
}

const NO_DEFAULT = 'it has no default export: write `export default { name, events, onEvent }`';

async function importDefault(module: string, repoDir: string): Promise<unknown> {
  const shipped = SHIPPED[module];
  let file: string | undefined;
  try {
    file = shipped === undefined ? fileOf(module, repoDir) : undefined;
    const loaded: unknown = await (file === undefined ? shipped?.() : importEsm(pathToFileURL(file).href));
    const exported = typeof loaded === 'object' && loaded !== null ? Reflect.get(loaded, 'default') : undefined;
    if (exported === undefined) throw new ParticipantLoadError(module, [NO_DEFAULT]);
    return exported;
  } catch (error) {
    if (error instanceof ParticipantLoadError) throw error;
    const reason = (file === undefined ? undefined : await syntaxError(file)) ?? firstLine(error);
    const hint = module.startsWith('.') ? `a path from ${repoDir}` : 'a package installed in the repository';
    throw new ParticipantLoadError(module, [`cannot be imported as ${hint} (${reason})`], { cause: error });
  }
}

/** Each listed event that no run reports: a typo would otherwise leave the participant waiting for nothing. */
function unknownEvents(events: readonly string[] | undefined, known: readonly string[]): string[] {
  return (events ?? [])
    .filter((type) => !known.includes(type))
    .map((type) => {
      const near = closest(type, known);
      const hint = near === undefined ? 'docs/participants.md lists them' : `did you mean "${near}"?`;
      return `events: "${type}" is not an event a run reports (${hint})`;
    });
}

async function loadOne(
  entry: ParticipantEntry,
  repoDir: string,
  knownEvents: readonly string[],
): Promise<LoadedParticipant> {
  const { module, options, timeoutSeconds } = typeof entry === 'string' ? { module: entry } : entry;
  const exported = await importDefault(module, repoDir);
  if (options !== undefined && typeof exported !== 'function')
    throw new ParticipantLoadError(module, ['it takes no options: its default export is not a function']);
  let value = exported;
  if (typeof exported === 'function') {
    try {
      value = await exported(options ?? {});
    } catch (error) {
      throw new ParticipantLoadError(module, refusal(error), { cause: error });
    }
  }
  const definition = readDefinition(value);
  if (Array.isArray(definition)) throw new ParticipantLoadError(module, definition);
  const unknown = unknownEvents(definition.events, knownEvents);
  if (unknown.length > 0) throw new ParticipantLoadError(module, unknown);
  return { definition, timeoutMs: (timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000, module };
}

/** Every entry loaded, in order; names must be unique since each is the participant's systemId. */
export async function loadParticipants(input: {
  readonly entries: readonly ParticipantEntry[];
  readonly repoDir: string;
  /** Every event type a run reports: a participant may only ask for these. */
  readonly knownEvents: readonly string[];
}): Promise<LoadedParticipant[]> {
  const loaded: LoadedParticipant[] = [];
  for (const entry of input.entries) {
    const participant = await loadOne(entry, input.repoDir, input.knownEvents);
    const twin = loaded.find((p) => p.definition.name === participant.definition.name);
    if (twin !== undefined)
      throw new ParticipantLoadError(participant.module, [
        `its name "${participant.definition.name}" is already taken by ${twin.module}`,
      ]);
    loaded.push(participant);
  }
  return loaded;
}
