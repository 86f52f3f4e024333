// `--inspect` in headless Chromium during a run with the fake claude, then `baro inspect RUN_ID` replaying the same run.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { setupFakeClaude } from '../fake-claude/scenario.js';
import { startBaro } from '../helpers/cli.js';
import { isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';

useGitSandbox();

// Debian's `chromium` package (.ci/run installs it); another binary through BARO_TEST_CHROMIUM.
const CHROMIUM = process.env['BARO_TEST_CHROMIUM'] ?? '/usr/bin/chromium';
// Without Chromium the test may be skipped on a developer's machine, never in CI.
const browserIt = existsSync(CHROMIUM) || process.env['CI'] ? it : it.skip;

let browser: Browser | undefined;
afterAll(async () => browser?.close());

const INSPECTOR = /Inspector: (http:\/\/\S+)/;

/** Collects a process's stderr and resolves with the inspector URL it announces. */
async function inspectorUrl(stream: NodeJS.ReadableStream | null): Promise<string> {
  let text = '';
  stream?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  // Starting baro from source takes a while on a busy machine: up to a minute, checked every 100 ms.
  for (let i = 0; i < 600 && !INSPECTOR.test(text); i += 1)
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  const url = INSPECTOR.exec(text)?.[1];
  if (url === undefined) throw new Error(`no inspector URL on stderr:\n${text}`);
  return url;
}

/** Opens a page that records the address of every request it makes. */
async function openPage(url: string): Promise<{ page: Page; requests: string[] }> {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage();
  // A busy machine is slow, never wrong: waits give up after two minutes, not Playwright's default 30 s.
  page.setDefaultTimeout(120_000);
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(url);
  return { page, requests };
}

const treeOf = (page: Page) =>
  page.$$eval('.actor', (rows) =>
    rows.map((r) => {
      const d = (r as unknown as { dataset: Record<string, string | undefined> }).dataset;
      return `${d['actorId']}|${d['systemId']}|${d['status']}|${d['state']}`;
    }),
  );

const runEnded = (page: Page) => page.waitForSelector('#status:has-text("run succeeded")');

const actor = (systemId: string, state?: string) =>
  `.actor[data-system-id="${systemId}"]${state === undefined ? '' : `[data-state="${state}"]`}`;

browserIt(
  'shows the live actor tree and statecharts, sends nothing off the machine, and replays the run',
  { timeout: 240_000 },
  async () => {
    const repo = await makeTempRepo();
    const dir = dirname(repo);
    const gate = join(dir, 'gate');
    const planPath = join(dir, 'plan.json');
    await writeFile(
      planPath,
      JSON.stringify(planOf('Inspect demo', [{ id: 'A' }, { id: 'B' }, { id: 'C', dependsOn: ['A'] }])),
    );
    const fake = setupFakeClaude(dir, {
      scripts: [
        {
          match: { storyId: 'A' },
          steps: [{ bash: `while [ ! -f '${gate}' ]; do sleep 0.1; done` }, { write: 'a.txt', content: 'a\n' }],
        },
        { match: { storyId: 'B' }, steps: [{ write: 'b.txt', content: 'b\n' }] },
        { match: { storyId: 'C' }, steps: [{ write: 'c.txt', content: 'c\n' }] },
      ],
    });
    const env = { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: join(dir, 'home') };
    const run = startBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes', '--inspect'], { cwd: repo, env });
    const url = await inspectorUrl(run.stderr);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const live = await openPage(url);
    await live.page.waitForSelector('.actor[data-actor-id="conductor"][data-system-id="conductor"]');
    await live.page.waitForSelector(actor('story:A', 'working'));
    await live.page.click(actor('story:A'));
    await live.page.waitForSelector('#chart [data-id="s_story_working"].active');
    expect(await live.page.textContent('#chart-title')).toContain('machine story');

    await writeFile(gate, '');
    await live.page.waitForSelector(actor('story:A', 'done'));
    await live.page.waitForSelector('#chart [data-id="s_story_done"].active');
    expect(await live.page.$$('#chart [data-id="s_story_working"].active')).toHaveLength(0);
    const result = await run;
    expect(result.exitCode, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; runId?: string; url?: string });
    expect(events.find((e) => e.type === 'inspect.listening')?.url).toBe(url);
    await runEnded(live.page);
    // The event log: each event between actors, newest first, named by sender and receiver.
    await live.page.waitForSelector('#log div[data-type="story.merged"]');
    await live.page.waitForSelector('#log div[data-type="librarian.brief.request"]');
    const liveTree = await treeOf(live.page);
    expect(liveTree).toEqual(expect.arrayContaining([expect.stringMatching(/^C\|story:C\|done\|done$/)]));

    const runId = events.find((e) => e.type === 'run.started')?.runId ?? '';
    const inspect = startBaro(['inspect', runId], { cwd: repo, env });
    const replay = await openPage(await inspectorUrl(inspect.stderr));
    await runEnded(replay.page);
    expect(await treeOf(replay.page)).toEqual(liveTree);
    inspect.kill('SIGINT');
    expect((await inspect).exitCode).toBe(0);

    const offMachine = [...live.requests, ...replay.requests].filter(
      (address) => new URL(address).hostname !== '127.0.0.1',
    );
    expect(offMachine).toEqual([]);
    expect(live.requests.some((address) => address.endsWith('/machine/story.svg'))).toBe(true);
  },
);
