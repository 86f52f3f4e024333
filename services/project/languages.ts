// The language mix of a tree by file extension (and a few file names), largest share of bytes first.
import type { RepoMap } from '../../machines/repo-map.js';
import { baseName } from './files.js';
import type { TreeFile } from './tree.js';

type LanguageShare = RepoMap['languages'][number];

const BY_EXTENSION: Readonly<Record<string, string>> = {
  ts: 'TypeScript',
  tsx: 'TypeScript',
  mts: 'TypeScript',
  cts: 'TypeScript',
  js: 'JavaScript',
  jsx: 'JavaScript',
  mjs: 'JavaScript',
  cjs: 'JavaScript',
  py: 'Python',
  pyi: 'Python',
  rs: 'Rust',
  go: 'Go',
  java: 'Java',
  kt: 'Kotlin',
  kts: 'Kotlin',
  scala: 'Scala',
  groovy: 'Groovy',
  clj: 'Clojure',
  cs: 'C#',
  fs: 'F#',
  vb: 'Visual Basic',
  c: 'C',
  h: 'C',
  cc: 'C++',
  cpp: 'C++',
  cxx: 'C++',
  hpp: 'C++',
  hh: 'C++',
  m: 'Objective-C',
  mm: 'Objective-C',
  swift: 'Swift',
  dart: 'Dart',
  rb: 'Ruby',
  php: 'PHP',
  pl: 'Perl',
  lua: 'Lua',
  r: 'R',
  jl: 'Julia',
  ex: 'Elixir',
  exs: 'Elixir',
  erl: 'Erlang',
  hs: 'Haskell',
  ml: 'OCaml',
  zig: 'Zig',
  nim: 'Nim',
  sh: 'Shell',
  bash: 'Shell',
  zsh: 'Shell',
  ps1: 'PowerShell',
  sql: 'SQL',
  html: 'HTML',
  htm: 'HTML',
  css: 'CSS',
  scss: 'SCSS',
  sass: 'SCSS',
  less: 'Less',
  vue: 'Vue',
  svelte: 'Svelte',
  astro: 'Astro',
  proto: 'Protocol Buffers',
  graphql: 'GraphQL',
  tf: 'HCL',
  hcl: 'HCL',
  nix: 'Nix',
  sol: 'Solidity',
};

const BY_NAME: Readonly<Record<string, string>> = {
  Makefile: 'Makefile',
  GNUmakefile: 'Makefile',
  makefile: 'Makefile',
  Dockerfile: 'Dockerfile',
};

/** The language of a path; undefined for data, documentation and anything not recognised. */
export function languageOf(path: string): string | undefined {
  const name = baseName(path);
  const byName = BY_NAME[name];
  if (byName !== undefined) return byName;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? BY_EXTENSION[name.slice(dot + 1).toLowerCase()] : undefined;
}

/** Each recognised language's files and bytes, most bytes first. */
export function languageMix(files: readonly TreeFile[]): LanguageShare[] {
  const totals = new Map<string, { files: number; bytes: number }>();
  for (const file of files) {
    const name = languageOf(file.path);
    if (name === undefined) continue;
    const total = totals.get(name) ?? { files: 0, bytes: 0 };
    totals.set(name, { files: total.files + 1, bytes: total.bytes + file.bytes });
  }
  return [...totals]
    .map(([name, total]) => ({ name, ...total }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
}
