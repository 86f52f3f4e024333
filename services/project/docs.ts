// The repository's own guidance for agents and readers: CLAUDE.md, AGENTS.md and the README, found and excerpted.
import { baseName } from './files.js';

export interface DocExcerpt {
  readonly path: string;
  readonly text: string;
}

const GUIDES: readonly (readonly string[])[] = [['CLAUDE.md', '.claude/CLAUDE.md'], ['AGENTS.md']];

const README = /^readme(\.(md|markdown|rst|txt|adoc))?$/i;

/** The root paths of CLAUDE.md, AGENTS.md and the README that exist, in that order. */
export function docPaths(paths: readonly string[]): string[] {
  const present = new Set(paths);
  const guides = GUIDES.flatMap((candidates) => candidates.find((path) => present.has(path)) ?? []);
  const readme = paths.filter((path) => !path.includes('/') && README.test(baseName(path))).sort()[0];
  return readme === undefined ? guides : [...guides, readme];
}

// Terminal escapes and other control characters mean nothing in a prompt and can hide text from a reader.
const printable = (char: string): boolean => {
  const code = char.charCodeAt(0);
  return code === 9 || code === 10 || (code >= 32 && code !== 127);
};

/** The start of a text, at most `maxChars`, cut at a line boundary with a note of how much was left out. */
export function excerpt(text: string, maxChars: number): string {
  const clean = text.replace(/\r\n?/g, '\n').split('').filter(printable).join('').trim();
  if (clean.length <= maxChars) return clean;
  const cut = clean.lastIndexOf('\n', maxChars);
  const kept = clean.slice(0, cut > maxChars / 2 ? cut : maxChars);
  const left = clean.slice(kept.length).split('\n').length;
  return `${kept.trimEnd()}\n[… ${left.toLocaleString('en')} more lines cut]`;
}
