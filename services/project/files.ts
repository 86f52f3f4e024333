// A repository's files as command detection sees them: every path, and the text of the few files it reads.

export interface ProjectFiles {
  /** Every file path, relative to the repository root, with `/` separators. */
  readonly paths: readonly string[];
  /** The text of a file that `filesToRead` named; undefined when it is absent or was not read. */
  readonly text: (path: string) => string | undefined;
}

/** The last segment of a path. */
export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Whether a path sits at the repository root. */
export const atRoot = (path: string): boolean => !path.includes('/');

/** ProjectFiles over texts already in memory. */
export const filesFrom = (paths: readonly string[], texts: ReadonlyMap<string, string>): ProjectFiles => ({
  paths,
  text: (path) => texts.get(path),
});
