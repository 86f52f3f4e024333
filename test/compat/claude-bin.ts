// Finds or installs the pinned real Claude Code CLI into a cache folder the compatibility tests reuse.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** Pinned: on Node 20 an unpinned install quietly resolves to 2.1.197 (docs/claude-cli.md §10). */
export const CLAUDE_CODE_VERSION = '2.1.332';
const PACKAGE = '@anthropic-ai/claude-code';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `$BARO_COMPAT_CACHE`, else node_modules/.cache/baro-compat of this clone (kept by CI with node_modules). */
export function compatCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env['BARO_COMPAT_CACHE'];
  return configured === undefined || configured === '' ? join(repoRoot, 'node_modules/.cache/baro-compat') : configured;
}

async function versionOf(bin: string): Promise<string> {
  const result = await execa(bin, ['--version'], { reject: false, stdin: 'ignore', timeout: 60_000 });
  const output = `${result.stdout}\n${result.stderr}`.trim();
  return output === '' && result.failed ? `nothing: ${result.shortMessage}` : output;
}

const isPinned = (version: string): boolean => version.startsWith(`${CLAUDE_CODE_VERSION} (Claude Code)`);

async function install(cache: string, log: (line: string) => void): Promise<void> {
  await mkdir(cache, { recursive: true });
  // Its own package root, so npm never walks up into baro's package.json.
  const manifest = { name: 'baro-compat-claude', private: true, dependencies: { [PACKAGE]: CLAUDE_CODE_VERSION } };
  await writeFile(join(cache, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`installing ${PACKAGE}@${CLAUDE_CODE_VERSION} into ${cache} (about 190 MB, once)`);
  // engines says node >=22; the native binary does not use Node, so the EBADENGINE warning is harmless.
  await execa('npm', ['install', '--prefix', cache, '--no-audit', '--no-fund', '--engine-strict=false'], {
    cwd: cache,
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'inherit',
  });
}

/**
 * The path of a `claude` that answers `2.1.332 (Claude Code)`: `$BARO_COMPAT_CLAUDE_BIN` as given, else the cached
 * install, installed first when missing or stale. Throws with what to do when none can be had.
 */
export async function ensureClaude(log: (line: string) => void = () => {}): Promise<string> {
  const given = process.env['BARO_COMPAT_CLAUDE_BIN'];
  if (given !== undefined && given !== '') {
    const version = await versionOf(given);
    if (!isPinned(version))
      throw new Error(`BARO_COMPAT_CLAUDE_BIN=${given} answers "${version}", not ${CLAUDE_CODE_VERSION}`);
    return given;
  }
  const cache = compatCacheDir();
  const bin = join(cache, 'node_modules/.bin/claude');
  if (existsSync(bin) && isPinned(await versionOf(bin))) return bin;
  await install(cache, log);
  // Where install scripts are not run, the package keeps a stub until its own installer copies the binary in (docs/claude-cli.md §10).
  if (!isPinned(await versionOf(bin))) {
    log('the install left the stub in place: running its install.cjs');
    await execa(process.execPath, [join(cache, 'node_modules', PACKAGE, 'install.cjs')], {
      cwd: join(cache, 'node_modules', PACKAGE),
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'inherit',
    });
  }
  const version = await versionOf(bin);
  if (!isPinned(version)) {
    throw new Error(
      `${bin} answers "${version}" after installing ${PACKAGE}@${CLAUDE_CODE_VERSION}; remove ${cache} and retry, or set BARO_COMPAT_CLAUDE_BIN`,
    );
  }
  return bin;
}
