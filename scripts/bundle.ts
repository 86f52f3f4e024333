// `npm run build`: baro bundled with esbuild into dist/cli/. Start-up is most of the time before the first agent: node
// loading some 250 module files cost more than the code in them, and parsing that code again on every start a fifth of
// it. So the program is one CommonJS file (baro.cjs), which V8 compiles from its code cache on node 20 (node gives ES
// modules none until 22), and main.js is the small loader that `baro` runs (cli/boot.ts).
import { rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Metafile, Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// Left out of the program: large and loaded when used (through services/esm-import.ts), or reading files of their own
// at run time (blessed's terminfo, a CommonJS package that require() loads).
const EXTERNAL = ['@octokit/rest', 'beautiful-mermaid', 'blessed'];
const REQUIRED_AT_RUN_TIME = new Set(['blessed', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

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

// Code compiled through node:vm cannot import(): the loader passes its own import in as baroImportModule.
const importThroughLoader: Plugin = {
  name: 'import-through-loader',
  setup(bundle) {
    bundle.onLoad({ filter: /[\\/]services[\\/]esm-import\.ts$/ }, () => ({
      contents: 'export const importEsm = (specifier) => baroImportModule(specifier);',
      loader: 'js',
    }));
  },
};

/** Every package the program loads at run time must be one require() can: anything else would fail only when used. */
function checkRunTimeImports(metafile: Metafile): void {
  const loaded = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external));
  const wrong = loaded.filter((i) => i.kind === 'dynamic-import' || !REQUIRED_AT_RUN_TIME.has(i.path));
  if (wrong.length > 0)
    throw new Error(
      `The bundle would load ${wrong.map((i) => `${i.path} (${i.kind})`).join(', ')} at run time: import it through services/esm-import.ts.`,
    );
}

/** Bundles baro into outdir: cli/baro.cjs (the program) and cli/main.js (its loader, which `baro` runs). */
export async function bundleBaro(outdir: string, options: { readonly sourcemap: boolean }): Promise<string> {
  // What an earlier build left (its chunks/, say) would otherwise stay.
  await rm(outdir, { recursive: true, force: true });
  const common = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: options.sourcemap,
    logLevel: 'warning',
  } as const;
  const program = await build({
    ...common,
    entryPoints: ['cli/main.ts'],
    outfile: join(outdir, 'cli', 'baro.cjs'),
    format: 'cjs',
    external: EXTERNAL,
    // cli/demo finds the files shipped beside dist/ from its own place.
    define: { 'import.meta.url': 'baroModuleUrl' },
    banner: { js: 'const baroModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [englishOnlyZod, importThroughLoader],
    metafile: true,
  });
  checkRunTimeImports(program.metafile);
  const main = join(outdir, 'cli', 'main.js');
  await build({ ...common, entryPoints: ['cli/boot.ts'], outfile: main, format: 'esm' });
  return main;
}

const entry = process.argv[1];
if (entry !== undefined && fileURLToPath(import.meta.url) === entry) {
  await bundleBaro(join(ROOT, 'dist'), { sourcemap: true });
}
