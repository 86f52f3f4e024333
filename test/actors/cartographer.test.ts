import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assign, createActor, setup, toPromise } from 'xstate';
import { provideCartographer } from '../../actors/cartographer.js';
import { cartographerMachine } from '../../machines/cartographer.js';
import type { RepoMap } from '../../machines/repo-map.js';
import { mapCachePath } from '../../services/project/map-cache.js';
import { makeEcosystemRepo } from '../helpers/ecosystems.js';
import { git, makeTempDir, useGitSandbox, writeFiles } from '../helpers/repo.js';

useGitSandbox();

async function setUp() {
  const repoDir = await makeEcosystemRepo('go');
  const home = await makeTempDir('baro-home-');
  const map = () => toPromise(createActor(provideCartographer({ home }), { input: { repoDir } }).start());
  const cacheOf = async () =>
    mapCachePath({ home, repoRoot: repoDir, commit: await git(repoDir, 'rev-parse', 'HEAD') });
  return { repoDir, home, map, cacheOf };
}

describe('the Cartographer with its effects', () => {
  it('maps HEAD and caches the map under the repository folder of the baro home', async () => {
    const { repoDir, map, cacheOf } = await setUp();
    const first = await map();
    expect(first.commit).toBe(await git(repoDir, 'rev-parse', 'HEAD'));
    expect(first.checks).toEqual(['go build ./...', 'go vet ./...', 'go test ./...']);
    const cached: unknown = JSON.parse(await readFile(await cacheOf(), 'utf8'));
    expect(cached).toEqual({ version: 1, map: first });
  });

  it('reads the cache on the second call', async () => {
    const { map, cacheOf } = await setUp();
    const first = await map();
    const path = await cacheOf();
    await writeFile(path, JSON.stringify({ version: 1, map: { ...first, summary: 'from the cache' } }));
    expect((await map()).summary).toBe('from the cache');
  });

  it('maps a new commit afresh', async () => {
    const { repoDir, map } = await setUp();
    const first = await map();
    await writeFiles(repoDir, { 'package.json': JSON.stringify({ scripts: { lint: 'eslint .' } }) });
    await git(repoDir, 'add', '-A');
    await git(repoDir, 'commit', '-qm', 'add a package.json');
    const second = await map();
    expect(second.commit).not.toBe(first.commit);
    expect(second.manifests.map((m) => m.path)).toEqual(['package.json', 'go.mod']);
  });

  it('maps the ref it is given rather than HEAD', async () => {
    const { repoDir, home, map } = await setUp();
    const base = await map();
    await writeFiles(repoDir, { 'Cargo.toml': '[package]\nname = "x"\n' });
    await git(repoDir, 'add', '-A');
    await git(repoDir, 'commit', '-qm', 'add Cargo.toml');
    const input = { repoDir, ref: 'HEAD~1' };
    expect(await toPromise(createActor(provideCartographer({ home }), { input }).start())).toEqual(base);
  });

  it('rebuilds a corrupt, foreign or mismatched cache file and saves a good one in its place', async () => {
    const { map, cacheOf } = await setUp();
    const first = await map();
    const path = await cacheOf();
    const bad = [
      '{"version": 1, "map": {"commit": ',
      JSON.stringify({ version: 1, map: { ...first, checks: 'go test' } }),
      JSON.stringify({ version: 0, map: first }),
      JSON.stringify({ version: 1, map: { ...first, commit: 'b'.repeat(40), summary: 'other commit' } }),
    ];
    for (const text of bad) {
      await writeFile(path, text);
      expect(await map()).toEqual(first);
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 1, map: first });
    }
  });

  it('maps from a subfolder, keyed by the repository root', async () => {
    const { repoDir, map } = await setUp();
    const first = await map();
    const home = await makeTempDir('baro-home-');
    const fromSub = await toPromise(
      createActor(provideCartographer({ home }), { input: { repoDir: join(repoDir, 'internal') } }).start(),
    );
    expect(fromSub).toEqual(first);
  });

  it("fills an invoker's `cartographer` slot, input { repoDir }, output the RepoMap", async () => {
    const { repoDir, home } = await setUp();
    const parent = setup({
      types: { context: {} as { map: RepoMap | undefined }, output: {} as RepoMap | undefined },
      actors: { cartographer: cartographerMachine },
    }).createMachine({
      context: { map: undefined },
      initial: 'mapping',
      states: {
        mapping: {
          invoke: {
            src: 'cartographer',
            input: { repoDir },
            onDone: { target: 'planning', actions: assign({ map: ({ event }) => event.output }) },
          },
        },
        planning: { type: 'final' },
      },
      output: ({ context }) => context.map,
    });
    const provided = parent.provide({ actors: { cartographer: provideCartographer({ home }) } });
    const map = await toPromise(createActor(provided).start());
    expect(map?.commands.test).toBe('go test ./...');
  });

  it('fails outside a git repository', async () => {
    const home = await makeTempDir('baro-home-');
    const actor = createActor(provideCartographer({ home }), { input: { repoDir: await makeTempDir() } }).start();
    await expect(toPromise(actor)).rejects.toThrow(/not a git repository|inside a checkout/i);
  });
});
