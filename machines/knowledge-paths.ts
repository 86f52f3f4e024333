// Paths and commands of one story's worktree made comparable across stories.

function isWindowsPath(path: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(path);
}

function segments(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

// Segments of `path` below `root` ([] for root itself), undefined when outside; relative paths are taken from root.
function partsBelow(root: string, path: string): string[] | undefined {
  const windows = isWindowsPath(root);
  const slash = (p: string): string => (windows ? p.replace(/\\/g, '/') : p);
  const rootPath = slash(root);
  const given = slash(path);
  const absolute = given.startsWith('/') || (windows && isWindowsPath(given));
  const rootParts = segments(rootPath);
  const parts = segments(absolute ? given : `${rootPath}/${given}`);
  const same = (a: string, b: string | undefined): boolean =>
    windows ? a.toLowerCase() === b?.toLowerCase() : a === b;
  if (parts.length < rootParts.length || !rootParts.every((part, index) => same(part, parts[index]))) return undefined;
  return parts.slice(rootParts.length);
}

/** `path` relative to the worktree `root`, or undefined when it is the root itself or lies outside it. */
export function relativeToRoot(root: string, path: string): string | undefined {
  const parts = partsBelow(root, path);
  return parts === undefined || parts.length === 0 ? undefined : parts.join('/');
}

/** True for the root itself and anything below it. */
export function isWithinRoot(root: string, path: string): boolean {
  return partsBelow(root, path) !== undefined;
}

/** The command with the worktree path written as `.`, so two stories running `cd <wt> && npm test` agree. */
export function commandInRoot(root: string, command: string): string {
  const trimmedRoot = root.replace(/[\\/]+$/, '');
  if (trimmedRoot === '') return command.replace(/\s+/g, ' ').trim();
  const escaped = trimmedRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const local = command
    .replace(new RegExp(`${escaped}/`, 'g'), '')
    .replace(new RegExp(`${escaped}(?![\\w.-])`, 'g'), '.');
  return local
    .replace(/^\s*cd\s+\.\s*(?:&&|;)\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
}
