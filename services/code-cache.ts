// Runs a CommonJS file compiled with V8's code cache, which node 20 offers only through node:vm (node 22 has
// module.enableCompileCache): parsing baro's bundle anew was a fifth of the time before its first agent.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** What became of the cache: used, absent, refused by V8 (another node, other flags), or turned off. */
export type CodeCacheOutcome = 'used' | 'absent' | 'rejected' | 'off';

export interface CodeCacheOptions {
  /** The CommonJS file to run. */
  readonly file: string;
  /** Where the cache is kept; undefined runs the file without one. */
  readonly cacheDir: string | undefined;
  /** Given to the file's code as `baroImportModule`: code compiled through node:vm cannot import() by itself. */
  readonly importModule: (specifier: string) => Promise<unknown>;
  /** How long the process must have lived before it writes a missing cache: by then its start-up is compiled. */
  readonly writeAfterMs: number;
  /** Told when the cache was written (or could not be: a cache is never worth failing for). */
  readonly written?: (error: unknown) => void;
}

const PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname', 'baroImportModule'];

/** One file per build of the bundle and per node: V8 checks only the source's length, not its text. */
function cacheFileOf(file: string, cacheDir: string): string {
  const { size, mtimeMs } = statSync(file);
  return join(cacheDir, `${basename(file)}-${size}-${Math.round(mtimeMs)}-${process.version}-${process.arch}.v8`);
}

const readIfPresent = (path: string): Buffer | undefined => {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
};

/** Written through a temporary file, so that a baro starting meanwhile never reads half a cache. */
function writeCache(file: string, path: string, data: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
  // Caches of earlier builds of the file would only fill the folder.
  for (const name of readdirSync(dirname(path)))
    if (name.startsWith(`${basename(file)}-`) && name !== basename(path))
      rmSync(join(dirname(path), name), { force: true });
}

function outcomeOf(cachePath: string | undefined, cachedData: Buffer | undefined, script: Script): CodeCacheOutcome {
  if (cachePath === undefined) return 'off';
  if (cachedData === undefined) return 'absent';
  return script.cachedDataRejected === true ? 'rejected' : 'used';
}

/** Runs `file` as a CommonJS module, from its code cache when there is a usable one; writes one when there is not. */
export function runWithCodeCache(options: CodeCacheOptions): CodeCacheOutcome {
  const { file, cacheDir } = options;
  const cachePath = cacheDir === undefined ? undefined : cacheFileOf(file, cacheDir);
  const cachedData = cachePath === undefined ? undefined : readIfPresent(cachePath);
  const source = readFileSync(file, 'utf8');
  const script = new Script(`(function (${PARAMETERS.join(', ')}) {${source}\n})`, { filename: file, cachedData });
  const outcome = outcomeOf(cachePath, cachedData, script);
  if (cachePath !== undefined && outcome !== 'used') {
    // The functions compiled by then are in the cache: a run's whole start-up, not only its first lines.
    setTimeout(() => {
      try {
        writeCache(file, cachePath, script.createCachedData());
        options.written?.(undefined);
      } catch (error) {
        options.written?.(error);
      }
    }, options.writeAfterMs).unref();
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), options.importModule);
  return outcome;
}
