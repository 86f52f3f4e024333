// Rust: a root Cargo.toml builds and tests with cargo; a `[workspace]` names its members.
import type { Ecosystem } from './ecosystem.js';

/** The `members = [...]` list of a Cargo workspace. */
function workspaceMembers(text: string): string[] {
  const section = /^\[workspace\]([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1] ?? '';
  const list = /^members\s*=\s*\[([\s\S]*?)\]/m.exec(section)?.[1] ?? '';
  return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
}

export const cargo: Ecosystem = {
  reads: ['Cargo.toml'],
  detect(files) {
    if (!files.paths.includes('Cargo.toml')) return undefined;
    const workspaces = workspaceMembers(files.text('Cargo.toml') ?? '');
    return {
      name: 'cargo',
      manifests: [{ path: 'Cargo.toml', kind: 'cargo', ...(workspaces.length > 0 ? { workspaces } : {}) }],
      commands: { install: 'cargo fetch', build: 'cargo build', test: 'cargo test' },
      extra: ['cargo check', 'cargo fmt', 'cargo clippy'],
    };
  },
};
