// The tree as a short outline: top-level folders with their file counts and largest subfolders, then root files.
import { count, size } from './format.js';
import type { TreeFile } from './tree.js';

const SUBFOLDERS = 6;
const ROOT_FILES = 25;

interface Folder {
  files: number;
  bytes: number;
  readonly children: Map<string, number>;
}

function group(files: readonly TreeFile[]): { folders: Map<string, Folder>; rootFiles: string[] } {
  const folders = new Map<string, Folder>();
  const rootFiles: string[] = [];
  for (const file of files) {
    const [top = '', second, ...rest] = file.path.split('/');
    if (second === undefined) {
      rootFiles.push(top);
      continue;
    }
    const folder = folders.get(top) ?? { files: 0, bytes: 0, children: new Map() };
    folder.files += 1;
    folder.bytes += file.bytes;
    if (rest.length > 0) folder.children.set(second, (folder.children.get(second) ?? 0) + 1);
    folders.set(top, folder);
  }
  return { folders, rootFiles };
}

function folderLines(name: string, folder: Folder): string[] {
  const children = [...folder.children].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = children.slice(0, SUBFOLDERS).map(([child, files]) => `  ${name}/${child}/ — ${count(files, 'file')}`);
  const more = children.length - SUBFOLDERS;
  return [
    `${name}/ — ${count(folder.files, 'file')}, ${size(folder.bytes)}`,
    ...shown,
    ...(more > 0 ? [`  … ${count(more, 'more folder')}`] : []),
  ];
}

/** The outline, cut to at most `maxChars` at a line boundary. */
export function outline(files: readonly TreeFile[], maxChars: number): string {
  const { folders, rootFiles } = group(files);
  const lines = [
    ...[...folders].sort((a, b) => (a[0] < b[0] ? -1 : 1)).flatMap(([name, folder]) => folderLines(name, folder)),
    ...rootFiles.slice(0, ROOT_FILES),
    ...(rootFiles.length > ROOT_FILES ? [`… ${count(rootFiles.length - ROOT_FILES, 'more root file')}`] : []),
  ];
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > maxChars) {
      kept.push(`… ${count(lines.length - kept.length, 'more line')} of outline cut`);
      break;
    }
    kept.push(line);
    used += line.length + 1;
  }
  return kept.join('\n');
}
