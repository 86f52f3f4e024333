// Make: the targets a root Makefile defines; `make test`, `make lint`, `make build` only when the target exists.
import type { Ecosystem } from './ecosystem.js';

const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'];

// A rule line: one or more target names, then `:` or `::`, but not a `:=` or `::=` assignment.
const RULE = /^([A-Za-z0-9_][\w./-]*(?:[ \t]+[A-Za-z0-9_][\w./-]*)*)[ \t]*::?(?![:=])/gm;

/** Every explicit target of a Makefile, in order. */
export function makeTargets(text: string): string[] {
  return [...text.matchAll(RULE)].flatMap((match) => (match[1] ?? '').split(/[ \t]+/));
}

export const make: Ecosystem = {
  reads: MAKEFILES,
  detect(files) {
    const path = MAKEFILES.find((name) => files.paths.includes(name));
    if (path === undefined) return undefined;
    const targets = new Set(makeTargets(files.text(path) ?? ''));
    const target = (...names: string[]) => {
      const name = names.find((candidate) => targets.has(candidate));
      return name === undefined ? undefined : `make ${name}`;
    };
    return {
      name: 'make',
      manifests: [{ path, kind: 'make' }],
      commands: {
        build: target('build') ?? (targets.has('all') ? 'make' : undefined),
        typecheck: target('typecheck', 'type-check'),
        lint: target('lint'),
        test: target('test', 'check'),
      },
      extra: [],
    };
  },
};
