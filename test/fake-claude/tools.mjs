// @ts-check
// The tools a script step performs for real in the cwd, with the tool_use input and the tool results the real CLI reports.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

/** @typedef {{ content: string, isError: boolean, toolUseResult: unknown }} ToolOutcome */
/** @typedef {{ name: string, input: Record<string, unknown>, run: () => Promise<ToolOutcome> }} ToolCall */
/** @typedef {(child: import('node:child_process').ChildProcess | undefined) => void} ChildTracker */

/** @param {string} message @returns {ToolOutcome} */
function toolError(message) {
  return { content: `<tool_use_error>${message}</tool_use_error>`, isError: true, toolUseResult: `Error: ${message}` };
}

/** @param {string} text */
function readNumbered(text) {
  return text
    .split('\n')
    .map((line, index) => `${index + 1}\t${line}`)
    .join('\n');
}

/**
 * One hunk around the changed lines with three lines of context, as in Edit's `structuredPatch`.
 * @param {string} before @param {string} after
 */
export function structuredPatch(before, after) {
  if (before === after) return [];
  /** @param {string} text */
  const lines = (text) => (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const a = before === '' ? [] : lines(before);
  const b = lines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail])
    tail += 1;
  const from = Math.max(0, head - 3);
  const aEnd = a.length - tail;
  const bEnd = b.length - tail;
  const to = Math.min(a.length, aEnd + 3);
  const hunk = [
    ...a.slice(from, head).map((line) => ` ${line}`),
    ...a.slice(head, aEnd).map((line) => `-${line}`),
    ...b.slice(head, bEnd).map((line) => `+${line}`),
    ...a.slice(aEnd, to).map((line) => ` ${line}`),
  ];
  const newLines = head - from + (bEnd - head) + (to - aEnd);
  return [{ oldStart: from + 1, oldLines: to - from, newStart: from + 1, newLines, lines: hunk }];
}

/** @param {string} cwd @param {string} file @param {string} content @returns {ToolCall} */
export function writeCall(cwd, file, content) {
  const filePath = resolve(cwd, file);
  return {
    name: 'Write',
    input: { file_path: filePath, content },
    run: async () => {
      const original = existsSync(filePath) ? readFileSync(filePath, 'utf8') : null;
      mkdirSync(dirname(filePath), { recursive: true });
      writeFileSync(filePath, content);
      if (original === null) {
        return {
          content: `File created successfully at: ${filePath}`,
          isError: false,
          toolUseResult: { type: 'create', filePath, content, structuredPatch: [], originalFile: null },
        };
      }
      const toolUseResult = {
        type: 'update',
        filePath,
        content,
        structuredPatch: structuredPatch(original, content),
        originalFile: original,
      };
      return { content: `The file ${filePath} has been updated successfully.`, isError: false, toolUseResult };
    },
  };
}

/**
 * An Edit of `oldString` (must occur in the file) into `newString`; `apply` computes the new text.
 * @param {string} filePath @param {string} oldString @param {string} newString @param {(original: string) => string} apply
 * @returns {ToolOutcome}
 */
function editFile(filePath, oldString, newString, apply) {
  if (!existsSync(filePath)) {
    if (oldString !== '')
      return toolError(`File does not exist. Note: your current working directory is ${process.cwd()}.`);
    mkdirSync(dirname(filePath), { recursive: true });
  }
  const original = existsSync(filePath) ? readFileSync(filePath, 'utf8') : '';
  if (oldString !== '' && !original.includes(oldString))
    return toolError(`String to replace not found in file.\nString: ${oldString}`);
  const updated = apply(original);
  writeFileSync(filePath, updated);
  const toolUseResult = {
    filePath,
    oldString,
    newString,
    originalFile: original,
    structuredPatch: structuredPatch(original, updated),
    userModified: false,
    replaceAll: false,
  };
  const content = `The file ${filePath} has been updated successfully. (file state is current in your context — no need to Read it back)`;
  return { content, isError: false, toolUseResult };
}

/** @param {string} cwd @param {string} file @param {string} oldString @param {string} newString @returns {ToolCall} */
export function editCall(cwd, file, oldString, newString) {
  const filePath = resolve(cwd, file);
  return {
    name: 'Edit',
    input: { replace_all: false, file_path: filePath, old_string: oldString, new_string: newString },
    run: async () =>
      editFile(filePath, oldString, newString, (original) => original.replace(oldString, () => newString)),
  };
}

/**
 * Appending is reported as an Edit of the file's last line (or of nothing, for a new or empty file).
 * @param {string} cwd @param {string} file @param {string} content @returns {ToolCall}
 */
export function appendCall(cwd, file, content) {
  const filePath = resolve(cwd, file);
  const original = existsSync(filePath) ? readFileSync(filePath, 'utf8') : '';
  const body = original.endsWith('\n') ? original.slice(0, -1) : original;
  const lastLine =
    original === '' ? '' : `${body.slice(body.lastIndexOf('\n') + 1)}${original.endsWith('\n') ? '\n' : ''}`;
  return {
    name: 'Edit',
    input: { replace_all: false, file_path: filePath, old_string: lastLine, new_string: lastLine + content },
    run: async () => editFile(filePath, lastLine, lastLine + content, (current) => current + content),
  };
}

/** @param {string} cwd @param {string} file @returns {ToolCall} */
export function readCall(cwd, file) {
  const filePath = resolve(cwd, file);
  return {
    name: 'Read',
    input: { file_path: filePath },
    run: async () => {
      if (!existsSync(filePath))
        return toolError(`File does not exist. Note: your current working directory is ${cwd}.`);
      const content = readFileSync(filePath, 'utf8');
      const numLines = content.split('\n').length;
      const file = { filePath, content, numLines, startLine: 1, totalLines: numLines };
      return { content: readNumbered(content), isError: false, toolUseResult: { type: 'text', file } };
    },
  };
}

/** @param {string} root @param {string} dir @returns {string[]} */
function listFiles(root, dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '.git' || entry.name === 'node_modules' ? [] : listFiles(root, path);
    return entry.isFile() && statSync(path).size <= 1024 * 1024 ? [relative(root, path)] : [];
  });
}

/** @param {string} cwd @param {string} pattern @returns {ToolCall} */
export function grepCall(cwd, pattern) {
  return {
    name: 'Grep',
    input: { pattern, path: cwd, output_mode: 'files_with_matches' },
    run: async () => {
      let regex;
      try {
        regex = new RegExp(pattern);
      } catch (error) {
        return toolError(`Invalid regular expression: ${error instanceof Error ? error.message : String(error)}`);
      }
      const filenames = listFiles(cwd, cwd)
        .filter((file) => regex.test(readFileSync(join(cwd, file), 'utf8')))
        .sort();
      const n = filenames.length;
      const content = n === 0 ? 'No files found' : `Found ${n} file${n === 1 ? '' : 's'}\n${filenames.join('\n')}`;
      return {
        content,
        isError: false,
        toolUseResult: {
          mode: 'files_with_matches',
          numFiles: n,
          filenames,
          content: filenames.join('\n'),
          numLines: n,
        },
      };
    },
  };
}

/** @param {string} cwd @param {string} command @param {ChildTracker} track @returns {ToolCall} */
export function bashCall(cwd, command, track) {
  return {
    name: 'Bash',
    input: { command },
    run: () =>
      new Promise((done, fail) => {
        const child = spawn('/bin/sh', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
        track(child);
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk) => {
          stdout += chunk;
        });
        child.stderr.setEncoding('utf8').on('data', (chunk) => {
          stderr += chunk;
        });
        child.on('error', fail);
        child.on('close', (code, signal) => {
          track(undefined);
          const out = stdout.replace(/\n+$/, '');
          const err = stderr.replace(/\n+$/, '');
          const combined = [out, err].filter((text) => text !== '').join('\n');
          if (code === 0) {
            const toolUseResult = {
              stdout: out,
              stderr: err,
              interrupted: false,
              isImage: false,
              noOutputExpected: false,
            };
            done({
              content: combined === '' ? '(Bash completed with no output)' : combined,
              isError: false,
              toolUseResult,
            });
            return;
          }
          const status = code ?? 128 + (signal === null ? 0 : constants.signals[signal]);
          const text = `Exit code ${status}${combined === '' ? '' : `\n${combined}`}`;
          done({ content: text, isError: true, toolUseResult: `Error: ${text}` });
        });
      }),
  };
}

/**
 * What a call of a tool outside the session's tool set gets (2.1.332 has no Grep by default).
 * @param {string} name @returns {ToolOutcome}
 */
export function unavailableTool(name) {
  const hint =
    name === 'Grep'
      ? '. Grep is not available in this session — search file contents with `grep` via the Bash tool instead.'
      : '';
  const message = `Error: No such tool available: ${name}${hint}`;
  return { content: `<tool_use_error>${message}</tool_use_error>`, isError: true, toolUseResult: message };
}
