// Go: a root go.mod builds, vets and tests every package; go.work names the modules of a workspace.
import type { Ecosystem } from './ecosystem.js';

/** The `use` directives of go.work, single or in a block. */
function workModules(text: string | undefined): string[] {
  if (text === undefined) return [];
  const block = /^use\s*\(([\s\S]*?)\)/m.exec(text)?.[1];
  const lines = block !== undefined ? block.split('\n') : [...text.matchAll(/^use\s+(\S+)/gm)].map((m) => m[1] ?? '');
  return lines.map((line) => line.replace(/\/\/.*$/, '').trim()).filter((line) => line !== '');
}

export const go: Ecosystem = {
  reads: ['go.work'],
  detect(files) {
    if (!files.paths.includes('go.mod')) return undefined;
    const workspaces = workModules(files.text('go.work'));
    return {
      name: 'go',
      manifests: [{ path: 'go.mod', kind: 'go', ...(workspaces.length > 0 ? { workspaces } : {}) }],
      commands: { install: 'go mod download', build: 'go build ./...', lint: 'go vet ./...', test: 'go test ./...' },
      extra: ['gofmt', 'go mod tidy'],
    };
  },
};
