// A participant author's TypeScript against baro as installed: `import type { Participant, RunEvent } from 'baro'`
// resolves through package.json's exports to the declarations the build emits, compiles, and loads as a participant.
import { copyFile, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_EVENT_TYPES } from '../../cli/run-event-types.js';
import { loadParticipants } from '../../services/participants/load.js';
import { makeTempDir, removeTempDirs, writeFiles } from '../helpers/repo.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

const AUTHOR_TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, outDir: 'out', skipLibCheck: true },
  files: ['ci-notify.ts'],
});

const participant = (events: string) => `import type { Participant, RunEvent } from 'baro';

const describe = (event: RunEvent) => (event.type === 'story.merged' ? \`\${event.storyId} at \${event.sha}\` : event.type);

const participant: Participant = {
  name: 'ci-notify',
  events: ${events},
  async onEvent(event, baro) {
    if (event.type === 'run.completed') baro.note(\`\${describe(event)} on \${event.branch ?? 'no branch'}\`);
  },
};
export default participant;
`;

let author = '';

afterAll(removeTempDirs);

// baro as npm would install it in the author's project: its package.json and the declarations of `npm run build`.
beforeAll(async () => {
  author = await makeTempDir('baro-author-');
  const installed = join(author, 'node_modules', 'baro');
  await mkdir(installed, { recursive: true });
  await copyFile(join(ROOT, 'package.json'), join(installed, 'package.json'));
  await symlink(join(ROOT, 'node_modules'), join(installed, 'node_modules'));
  await execa(process.execPath, [TSC, '-p', 'tsconfig.types.json', '--outDir', join(installed, 'dist/types')], {
    cwd: ROOT,
  });
  await writeFiles(author, {
    'package.json': '{ "type": "module", "private": true }\n',
    'tsconfig.json': AUTHOR_TSCONFIG,
  });
  // Emitting the declarations is a whole compile: generous, since a timeout here only bounds a hang.
}, 300_000);

const compile = () => execa(process.execPath, [TSC, '-p', '.'], { cwd: author, reject: false });

describe("the package's types for participant authors", () => {
  it('compile a TypeScript participant, whose output baro loads', async () => {
    await writeFiles(author, { 'ci-notify.ts': participant(`['story.merged', 'run.completed']`) });
    const compiled = await compile();
    expect(compiled.stdout).toBe('');
    expect(compiled.exitCode).toBe(0);
    const [loaded] = await loadParticipants({
      entries: ['./out/ci-notify.js'],
      repoDir: author,
      knownEvents: RUN_EVENT_TYPES,
    });
    expect(loaded?.definition).toMatchObject({ name: 'ci-notify', events: ['story.merged', 'run.completed'] });
  });

  it('refuse an event type no run reports', async () => {
    await writeFiles(author, { 'ci-notify.ts': participant(`['story.merge', 'run.completed']`) });
    const compiled = await compile();
    expect(compiled.exitCode).not.toBe(0);
    expect(compiled.stdout).toContain(`Did you mean '"story.merged"'?`);
  });
});
