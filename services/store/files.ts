// Reading and writing run-state files: atomic JSON and text writes, JSON lines, zod-validated reads.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { StoreError } from './errors.js';

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const codeOf = (error: unknown): unknown => (error instanceof Error && 'code' in error ? error.code : undefined);

const writeFailed = (path: string, error: unknown): StoreError =>
  new StoreError(
    `Cannot write ${path}: ${messageOf(error)}. Check that ${dirname(path)} is writable and that the disk has space.`,
    {
      path,
      reason: 'write-failed',
      cause: error,
    },
  );

// JSON.stringify returns undefined for functions and undefined, and throws on cycles and bigints.
const serialize = (path: string, value: unknown, indent: number | undefined): string => {
  const failure = (cause?: unknown): StoreError =>
    new StoreError(
      `Cannot write ${path}: the value cannot be represented as JSON${cause === undefined ? '' : ` (${messageOf(cause)})`}. This is a bug in baro; please report it.`,
      {
        path,
        reason: 'invalid',
        cause,
      },
    );
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, indent);
  } catch (error) {
    throw failure(error);
  }
  if (text === undefined) throw failure();
  return text;
};

// A temp file that was never created, or was already renamed, is the one expected absence.
const removeTempIfExists = (path: string): Promise<void> => rm(path, { force: true });

const writeAtomic = async (path: string, text: string): Promise<void> => {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await removeTempIfExists(temp);
    throw writeFailed(path, error);
  }
};

/** Replaces `path` with `value` as JSON, so a reader sees the old file or the new one, never half of one. */
export const writeJsonAtomic = async (path: string, value: unknown): Promise<void> =>
  writeAtomic(path, `${serialize(path, value, 2)}\n`);

/** Replaces `path` with `text` atomically, creating its folder. */
export const writeText = async (path: string, text: string): Promise<void> => writeAtomic(path, text);

/** Appends `value` as one JSON line, creating the file and its folder. */
export const appendJsonLine = async (path: string, value: unknown): Promise<void> => {
  const line = `${serialize(path, value, undefined)}\n`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, line, 'utf8');
  } catch (error) {
    throw writeFailed(path, error);
  }
};

const readText = async (path: string): Promise<string> => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') {
      throw new StoreError(
        `Cannot read ${path}: the file does not exist. Check the run id (\`baro runs\` lists them) and BARO_HOME.`,
        {
          path,
          reason: 'missing',
          cause: error,
        },
      );
    }
    throw new StoreError(`Cannot read ${path}: ${messageOf(error)}. Check the file's permissions.`, {
      path,
      reason: 'unreadable',
      cause: error,
    });
  }
};

const parseJson = (path: string, text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StoreError(
      `Cannot read ${path}: it is not valid JSON (${messageOf(error)}). The file is damaged, perhaps by an interrupted write: repair it by hand, or move it away to discard what it held.`,
      { path, reason: 'bad-json', cause: error },
    );
  }
};

/** Reads a JSON file and validates it with `schema`; every failure is a StoreError naming the file. */
export const readJson = async <S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> => {
  const data = parseJson(path, await readText(path));
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new StoreError(
    `Cannot read ${path}: its content does not have the expected shape (perhaps written by another baro version):\n${z.prettifyError(parsed.error)}\nRepair it by hand, or move it away to discard what it held.`,
    { path, reason: 'invalid', cause: parsed.error },
  );
};
