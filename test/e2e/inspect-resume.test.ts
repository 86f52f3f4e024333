// `baro resume --inspect` serves the live page of the resumed run, and `baro inspect RUN_ID` replays a stopped then
// resumed run as the tree of its last process: the actors of the process before it are gone with it.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { readInvocations, setupFakeClaude } from '../fake-claude/scenario.js';
import { startBaro } from '../helpers/cli.js';
import { until } from '../helpers/process.js';
import { isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';

useGitSandbox();

const CHROMIUM = process.env['BARO_TEST_CHROMIUM'] ?? '/usr/bin/chromium';
// Without Chromium the test may be skipped on a developer's machine, never in CI.
const browserIt = existsSync(CHROMIUM) || process.env['CI'] ? it : it.skip;

let browser: Browser | undefined;
afterAll(async () => browser?.close());

async function openPage(url: string): Promise<Page> {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto(url);
  return page;
}

const treeOf = (page: Page) =>
  page.$$eval('.actor', (rows) =>
    rows.map((r) => {
      const d = (r as unknown as { dataset: Record<string, string | undefined> }).dataset;
      return `${d['actorId']}|${d['systemId']}|${d['status']}|${d['state']}`;
    }),
  );

const INSPECTOR = /Inspector: (http:\/\/\S+)/;

browserIt(
  'resume --inspect announces its page, and the replay of a stopped then resumed run shows the last process tree',
  { timeout: 300_000 },
  async () => {
    const repo = await makeTempRepo();
    const dir = dirname(repo);
    const planPath = join(dir, 'plan.json');
    await writeFile(
      planPath,
      JSON.stringify(planOf('Inspect a resumed run', [{ id: 'A' }, { id: 'B' }, { id: 'C' }, { id: 'D' }])),
    );
    const fake = setupFakeClaude(dir, {
      scripts: [
        { match: { storyId: 'A', attempt: 1, resume: false }, steps: [{ sleep: 120_000 }] },
        { steps: [{ bash: 'echo "$BARO_STORY_ID" > "story-$BARO_STORY_ID.txt"' }] },
      ],
    });
    const env = { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: join(dir, 'home') };
    const first = startBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes'], { cwd: repo, env });
    let firstOut = '';
    first.stdout?.on('data', (chunk: Buffer) => (firstOut += chunk.toString()));
    // B, C and D are merged by the first process: its tree is much bigger than the resumed one's.
    for (const id of ['B', 'C', 'D'])
      await until(() => firstOut.includes(`"story.merged","storyId":"${id}"`), `${id} merged while A works`, 120);
    await until(() => readInvocations(fake.logPath).some((i) => i.env.BARO_STORY_ID === 'A'), 'the agent of A', 60);
    first.kill('SIGINT');
    expect((await first).exitCode).toBe(3);
    const runId = /"runId":"([^"]+)"/.exec(firstOut)?.[1] ?? '';

    const resumed = await startBaro(['resume', runId, '--json', '--inspect'], { cwd: repo, env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const url = INSPECTOR.exec(resumed.stderr)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const events = resumed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; url?: string; status?: string });
    expect(events.find((e) => e.type === 'inspect.listening')?.url).toBe(url);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'succeeded' });

    const inspect = startBaro(['inspect', runId], { cwd: repo, env });
    let inspectErr = '';
    inspect.stderr?.on('data', (chunk: Buffer) => (inspectErr += chunk.toString()));
    await until(() => INSPECTOR.test(inspectErr), 'the replay page', 60);
    const replay = await openPage(INSPECTOR.exec(inspectErr)?.[1] ?? '');
    await replay.waitForSelector('#status:has-text("run succeeded")');
    // Finished helpers too (a Critic's turn), where the actors of the stopped process would linger.
    await replay.check('#show-finished');
    await replay.waitForSelector('.actor[data-actor-id="turn"]');
    const tree = await treeOf(replay);
    inspect.kill('SIGINT');
    await inspect;
    // The resumed process's tree alone: one root, A done, none of the stories the stopped process merged.
    const ofMergedStory = /^(\S*:)?[BCD](:\S*)?\||\|story:[BCD]\|/;
    expect({
      roots: tree.filter((row) => row.includes('|run|')).length,
      storyA: tree.filter((row) => row.startsWith('A|story:A|')),
      critics: tree.filter((row) => row.startsWith('critic|')).length,
      ofMergedStories: tree.filter((row) => ofMergedStory.test(row)),
    }).toEqual({ roots: 1, storyA: ['A|story:A|done|done'], critics: 1, ofMergedStories: [] });
  },
);
