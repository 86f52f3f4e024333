// What one ecosystem's detector reports: its manifests, its commands, and the other commands an agent may run.
import type { ProjectCommands } from '../../machines/repo-map.js';
import type { ProjectFiles } from './files.js';

export type CheckKind = 'build' | 'typecheck' | 'lint' | 'test';

/** The order a gate runs checks in: cheapest failure first. */
export const CHECK_KINDS: readonly CheckKind[] = ['build', 'typecheck', 'lint', 'test'];

export interface Manifest {
  readonly path: string;
  /** The tool that reads it: `npm`, `pnpm`, `yarn`, `bun`, `cargo`, `go`, `python`, `maven`, `gradle`, `make`, `dotnet`. */
  readonly kind: string;
  /** Workspace members or patterns a root manifest declares. */
  readonly workspaces?: readonly string[] | undefined;
}

export interface EcosystemDetection {
  readonly name: string;
  readonly manifests: readonly Manifest[];
  readonly commands: ProjectCommands;
  /** Further commands an agent may need (every package script, adding a dependency). */
  readonly extra: readonly string[];
}

export interface Ecosystem {
  /** Root files the detector reads; a loader reads them all before `detect`. */
  readonly reads: readonly string[];
  readonly detect: (files: ProjectFiles) => EcosystemDetection | undefined;
}
