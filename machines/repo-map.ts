// What the Cartographer knows of a repository: the shape the Planner's prompt, the Auditor and the agents' allowlist read.

/** Commands a repository's own manifests imply, as a shell would run them from the repository root. */
export interface ProjectCommands {
  readonly install?: string | undefined;
  readonly build?: string | undefined;
  readonly typecheck?: string | undefined;
  readonly lint?: string | undefined;
  readonly test?: string | undefined;
}

export interface RepoMap {
  /** The commit the map describes; a map is cached per commit. */
  readonly commit: string;
  readonly files: { readonly count: number; readonly bytes: number };
  /** Languages by bytes, largest first. */
  readonly languages: readonly { readonly name: string; readonly files: number; readonly bytes: number }[];
  /** Manifests found (path and kind, e.g. `package.json` / `npm`, `Cargo.toml` / `cargo`). */
  readonly manifests: readonly {
    readonly path: string;
    readonly kind: string;
    /** Workspace members or patterns a root manifest declares (package.json, pnpm-workspace.yaml, Cargo, go.work). */
    readonly workspaces?: readonly string[] | undefined;
  }[];
  readonly commands: ProjectCommands;
  /** Every check the project implies, in the order a gate runs them (build, typecheck, lint, test). */
  readonly checks: readonly string[];
  /** The map as bounded prompt text: tree outline, manifests, commands, CLAUDE.md / AGENTS.md / README excerpts. */
  readonly summary: string;
}

export interface CartographerInput {
  readonly repoDir: string;
  /** The commit or ref to map (a run maps its base); default `HEAD`. */
  readonly ref?: string | undefined;
}
