// The inspector server on loopback: the page, the records over server-sent events, machines as SVG, nothing else.
import { afterEach, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { machineGraph } from '../../../cli/inspect/machine-graph.js';
import type { InspectRecord } from '../../../cli/inspect/records.js';
import { startInspectorServer } from '../../../cli/inspect/server.js';
import type { InspectorServer } from '../../../cli/inspect/server.js';

let server: InspectorServer | undefined;
afterEach(async () => server?.close());

const graph = machineGraph(
  createMachine({ id: 'light', initial: 'red', states: { red: { on: { go: 'green' } }, green: {} } }),
);
const records: InspectRecord[] = [
  { kind: 'machine', t: 1, machine: 'light', graph },
  { kind: 'actor', t: 2, session: 'x:0', id: 'x:0', machine: 'light' },
];

/** Reads server-sent events until `count` records have arrived. */
async function readEvents(url: string, count: number): Promise<InspectRecord[]> {
  const response = await fetch(url);
  const reader = response.body?.getReader();
  let text = '';
  const parsed = () => text.split('\n\n').filter((chunk) => chunk.startsWith('data: '));
  while (reader && parsed().length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  await reader?.cancel();
  return parsed().map((chunk) => JSON.parse(chunk.slice('data: '.length)) as InspectRecord);
}

it('serves the page, every record so far then each new one, and the machines it knows as SVG', async () => {
  server = await startInspectorServer({ title: 'baro run <r1>', mode: 'live', records });
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

  const page = await (await fetch(server.url)).text();
  expect(page).toContain('<title>baro run &lt;r1&gt;</title>');
  expect(page).not.toMatch(/(src|href)="https?:/);

  const snapshot: InspectRecord = { kind: 'snapshot', t: 3, session: 'x:0', status: 'active', active: ['light.red'] };
  const events = readEvents(`${server.url}events`, 3);
  setTimeout(() => server?.publish(snapshot), 50);
  expect(await events).toEqual([...records, snapshot]);

  const svg = await fetch(`${server.url}machine/light.svg`);
  expect(svg.headers.get('content-type')).toBe('image/svg+xml');
  expect(await svg.text()).toContain('data-id="s_light_red"');
  expect((await fetch(`${server.url}machine/nothing.svg`)).status).toBe(404);
  expect((await fetch(`${server.url}elsewhere`)).status).toBe(404);
  expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
});
