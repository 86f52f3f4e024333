// The commands a repository's own manifests imply: one per kind for the map, every one for the gates and the allowlist.
import type { ProjectCommands } from '../../machines/repo-map.js';
import { cargo } from './cargo.js';
import { dotnet } from './dotnet.js';
import { CHECK_KINDS } from './ecosystem.js';
import type { Ecosystem, EcosystemDetection, Manifest } from './ecosystem.js';
import type { ProjectFiles } from './files.js';
import { go } from './go.js';
import { gradle, maven } from './jvm.js';
import { make } from './make.js';
import { node } from './node.js';
import { python } from './python.js';

// The order commands are preferred in when several ecosystems share the root.
const LANGUAGES: readonly Ecosystem[] = [node, python, cargo, go, maven, gradle, dotnet];

export interface ProjectDetection {
  /** Root manifests the detectors recognised, with workspaces. */
  readonly manifests: readonly Manifest[];
  /** One command per kind: the Makefile's target when it has one, else the first ecosystem's. */
  readonly commands: ProjectCommands;
  /** Every check in gate order: each kind's Makefile target, else every ecosystem's command for that kind. */
  readonly checks: readonly string[];
  /** Every command an agent may run unprompted: each ecosystem's installs, checks and extras. */
  readonly runnable: readonly string[];
  readonly ecosystems: readonly string[];
}

/** The root files detection reads, so a loader can read them all at once. */
export const filesToRead = (): string[] => [...new Set([...LANGUAGES, make].flatMap((ecosystem) => ecosystem.reads))];

const unique = (values: readonly (string | undefined)[]): string[] => [
  ...new Set(values.filter((value): value is string => value !== undefined)),
];

// A Makefile target is the project's own entry point for that kind, so it replaces the ecosystems' commands.
function checksByKind(made: EcosystemDetection | undefined, languages: readonly EcosystemDetection[]) {
  return CHECK_KINDS.map((kind) => {
    const target = made?.commands[kind];
    return { kind, commands: target !== undefined ? [target] : unique(languages.map((found) => found.commands[kind])) };
  });
}

/** What the manifests at the repository root imply. */
export function detectProject(files: ProjectFiles): ProjectDetection {
  const languages = LANGUAGES.flatMap((ecosystem) => ecosystem.detect(files) ?? []);
  const made = make.detect(files);
  const byKind = checksByKind(made, languages);
  const install = languages.find((found) => found.commands.install !== undefined)?.commands.install;
  const commands: ProjectCommands = Object.fromEntries(
    [['install', install], ...byKind.map(({ kind, commands: found }) => [kind, found[0]])].filter(
      ([, command]) => command !== undefined,
    ),
  );
  const checks = byKind.flatMap(({ commands: found }) => found);
  const all = made === undefined ? languages : [...languages, made];
  return {
    manifests: all.flatMap((found) => found.manifests),
    commands,
    checks,
    runnable: unique(all.flatMap((found) => [...Object.values(found.commands), ...found.extra])),
    ecosystems: all.map((found) => found.name),
  };
}
