// `npm run build`: baro's CLI bundled with esbuild into dist/. Start-up is most of the time before the first agent:
// node loading some 250 module files (zod alone 95) cost more than the code in them; a command's code is one chunk.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// baro's messages are English: zod's other 60 locales (three quarters of its code) stay out of the bundle.
const englishOnlyZod: Plugin = {
  name: 'english-only-zod',
  setup(bundle) {
    bundle.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
    }));
  },
};

/** Bundles cli/main.ts into outdir: cli/main.js, and chunks/ loaded when a command (or the TUI) needs them. */
export async function bundleBaro(outdir: string, options: { readonly sourcemap: boolean }): Promise<string> {
  // Chunk names change with their content: last build's would stay behind.
  await rm(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['cli/main.ts'],
    outdir,
    outbase: '.',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: options.sourcemap,
    // Loaded when used and large (octokit), or reading files of their own at run time (blessed's terminfo).
    external: ['@octokit/rest', 'beautiful-mermaid', 'blessed', 'execa'],
    // commander is CommonJS: its require() calls need a require in an ES module.
    banner: {
      js: "import { createRequire as baroRequire } from 'node:module'; const require = baroRequire(import.meta.url);",
    },
    plugins: [englishOnlyZod],
    logLevel: 'warning',
  });
  return join(outdir, 'cli', 'main.js');
}

const entry = process.argv[1];
if (entry !== undefined && fileURLToPath(import.meta.url) === entry) {
  await bundleBaro(join(ROOT, 'dist'), { sourcemap: true });
}
