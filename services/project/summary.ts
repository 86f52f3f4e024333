// The map as prompt text: bounded, in the order a planner reads it (shape, manifests, commands, the project's own words).
import type { ProjectCommands, RepoMap } from '../../machines/repo-map.js';
import type { DocExcerpt } from './docs.js';
import { excerpt } from './docs.js';
import { count, size } from './format.js';
import { outline } from './outline.js';
import type { TreeFile } from './tree.js';

/** The summary's bound in UTF-8 bytes. */
export const SUMMARY_BYTES = 8 * 1024;

const OUTLINE_CHARS = 2600;
const MANIFEST_LINES = 16;
const LANGUAGES = 8;
const DOC_BYTES = 3500;
const COMMAND_KINDS = ['install', 'build', 'typecheck', 'lint', 'test'] as const;

export interface SummaryInput {
  readonly commit: string;
  readonly files: readonly TreeFile[];
  readonly languages: RepoMap['languages'];
  readonly manifests: RepoMap['manifests'];
  readonly commands: ProjectCommands;
  readonly checks: readonly string[];
  readonly docs: readonly DocExcerpt[];
}

const percent = (part: number, whole: number): string => {
  const value = Math.round((100 * part) / Math.max(whole, 1));
  return value === 0 && part > 0 ? '<1%' : `${value}%`;
};

function header({ commit, files, languages }: SummaryInput): string {
  const bytes = files.reduce((total, file) => total + file.bytes, 0);
  const code = languages.reduce((total, language) => total + language.bytes, 0);
  const mix = languages
    .slice(0, LANGUAGES)
    .map((l) => `${l.name} ${percent(l.bytes, code)} (${count(l.files, 'file')})`);
  return [
    `# Repository map (commit ${commit.slice(0, 12)})`,
    `${count(files.length, 'tracked file')}, ${size(bytes)}.`,
    `Languages by size: ${mix.length > 0 ? mix.join(', ') : 'none recognised'}.`,
  ].join('\n');
}

function manifestSection({ manifests }: SummaryInput): string {
  const lines = manifests.slice(0, MANIFEST_LINES).map((m) => {
    const workspaces = m.workspaces !== undefined ? `; workspaces: ${m.workspaces.slice(0, 8).join(', ')}` : '';
    return `- ${m.path} (${m.kind}${workspaces})`;
  });
  const more = manifests.length - lines.length;
  return [
    '## Manifests',
    ...(lines.length > 0 ? lines : ['none found']),
    ...(more > 0 ? [`- … ${more} more`] : []),
  ].join('\n');
}

function commandSection({ commands, checks }: SummaryInput): string {
  const lines = COMMAND_KINDS.flatMap((kind) => {
    const command = commands[kind];
    return command === undefined ? [] : [`- ${kind}: \`${command}\``];
  });
  const chosen = new Set(Object.values(commands));
  const others = checks.filter((check) => !chosen.has(check));
  return [
    '## Commands (from the manifests, run from the repository root)',
    ...(lines.length > 0 ? lines : ['none detected']),
    ...(others.length > 0 ? [`- also checked: ${others.map((check) => `\`${check}\``).join(', ')}`] : []),
  ].join('\n');
}

// Excerpts share what the fixed sections leave, in bytes, none taking more than DOC_BYTES.
function docSections(docs: readonly DocExcerpt[], budget: number): string[] {
  let left = budget;
  return docs.map((doc, index) => {
    const share = Math.min(DOC_BYTES, Math.floor(left / (docs.length - index)));
    const section = docSection(doc, share);
    left -= Buffer.byteLength(section) + 2;
    return section;
  });
}

// Multi-byte text takes fewer characters for the same bytes: shrink the excerpt until it fits.
function docSection(doc: DocExcerpt, maxBytes: number): string {
  const heading = `## ${doc.path} (excerpt)\n`;
  let chars = maxBytes - heading.length;
  let section = `${heading}${excerpt(doc.text, Math.max(chars, 0))}`;
  while (chars > 0 && Buffer.byteLength(section) > maxBytes) {
    chars = Math.floor((chars * maxBytes) / Buffer.byteLength(section)) - 16;
    section = `${heading}${excerpt(doc.text, Math.max(chars, 0))}`;
  }
  return section;
}

// A last guard for multi-byte text: whole characters off the end until the bytes fit.
function fitBytes(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text;
  const note = '\n[… cut to fit]';
  let chars = limit - note.length;
  while (chars > 0 && Buffer.byteLength(text.slice(0, chars)) + note.length > limit) chars -= 64;
  return `${text.slice(0, Math.max(chars, 0))}${note}`;
}

/** The map as prompt text of at most SUMMARY_BYTES bytes. */
export function renderSummary(input: SummaryInput): string {
  const fixed = [
    header(input),
    `## Tree\n${outline(input.files, OUTLINE_CHARS)}`,
    manifestSection(input),
    commandSection(input),
  ];
  const used = fixed.reduce((total, section) => total + Buffer.byteLength(section) + 2, 0);
  const docs = docSections(input.docs, SUMMARY_BYTES - used - 64);
  return fitBytes([...fixed, ...docs].join('\n\n'), SUMMARY_BYTES);
}
