// Loads the config's participants: a path from the repository root, an installed package, or one shipped with baro
// (webhook, command); each default export checked before the run starts.
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
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

/** The module, imported from where the config documents: shipped, a path from the repository root, or a package. */
function importModule(module: string, repoDir: string): Promise<unknown> {
  const shipped = SHIPPED[module];
  if (shipped !== undefined) return shipped();
  if (module.startsWith('.') || isAbsolute(module)) return import(pathToFileURL(resolve(repoDir, module)).href);
  return import(pathToFileURL(createRequire(join(repoDir, 'package.json')).resolve(module)).href);
}

/** The first line of an error: Node's module errors append a require stack nobody needs here. */
const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

/** A factory's refusal in the config's terms: `options.url: Invalid URL`. */
function refusal(error: unknown): string[] {
  if (!(error instanceof z.ZodError)) return [`its options are refused: ${firstLine(error)}`];
  return error.issues.map((issue) => `options${issue.path.map((key) => `.${String(key)}`).join('')}: ${issue.message}`);
}

async function importDefault(module: string, repoDir: string): Promise<unknown> {
  try {
    const loaded: unknown = await importModule(module, repoDir);
    return typeof loaded === 'object' && loaded !== null ? Reflect.get(loaded, 'default') : undefined;
  } catch (error) {
    const reason = firstLine(error);
    const hint = module.startsWith('.') ? `a path from ${repoDir}` : 'a package installed in the repository';
    throw new ParticipantLoadError(module, [`cannot be imported as ${hint} (${reason})`], { cause: error });
  }
}

async function loadOne(entry: ParticipantEntry, repoDir: string): Promise<LoadedParticipant> {
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
  return { definition, timeoutMs: (timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000, module };
}

/** Every entry loaded, in order; names must be unique since each is the participant's systemId. */
export async function loadParticipants(input: {
  readonly entries: readonly ParticipantEntry[];
  readonly repoDir: string;
}): Promise<LoadedParticipant[]> {
  const loaded: LoadedParticipant[] = [];
  for (const entry of input.entries) {
    const participant = await loadOne(entry, input.repoDir);
    const twin = loaded.find((p) => p.definition.name === participant.definition.name);
    if (twin !== undefined)
      throw new ParticipantLoadError(participant.module, [
        `its name "${participant.definition.name}" is already taken by ${twin.module}`,
      ]);
    loaded.push(participant);
  }
  return loaded;
}
