// Machine graphs, their Mermaid drawing and `baro machines`, checked against the machine definitions themselves.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { and, createMachine, not, or, setup, stateIn } from 'xstate';
import { activeStateIds, allNodes, machineGraph } from '../../../cli/inspect/machine-graph.js';
import { mermaidId, toMermaid } from '../../../cli/inspect/mermaid.js';
import { toSvg } from '../../../cli/inspect/svg.js';
import { allMachines } from '../../../cli/machines-catalog.js';
import { runBaro } from '../../helpers/cli.js';

const nested = setup({ guards: { ready: () => true, warm: () => true } }).createMachine({
  id: 'job',
  initial: 'idle',
  states: {
    idle: { on: { 'job.start': 'working', RESUME: { target: 'idle', reenter: true } } },
    working: {
      type: 'parallel',
      states: {
        slots: { initial: 'open', states: { open: { on: { 'slot.full': 'full' } }, full: {} } },
        schedule: { initial: 'running', states: { running: { after: { 500: 'paused' } }, paused: {} } },
      },
      on: { 'job.done': { guard: and(['ready', 'warm']), target: 'done' } },
    },
    done: { type: 'final' },
  },
});

describe('a machine graph', () => {
  it('holds every state, its type, its initial state and its transitions, with guards named', () => {
    const graph = machineGraph(nested);
    expect(allNodes(graph).map((n) => n.id)).toEqual([
      'job',
      'job.idle',
      'job.working',
      'job.working.slots',
      'job.working.slots.open',
      'job.working.slots.full',
      'job.working.schedule',
      'job.working.schedule.running',
      'job.working.schedule.paused',
      'job.done',
    ]);
    const working = allNodes(graph).find((n) => n.id === 'job.working');
    expect(working).toMatchObject({ type: 'parallel' });
    expect(working?.transitions).toEqual([
      { event: 'job.done', targets: ['job.done'], guard: 'ready && warm', reenter: false },
    ]);
    expect(graph.root.initial).toBe('job.idle');
  });

  it('names combined guards with their logic: not, or, nested and, and the state a stateIn guard asks for', () => {
    const guarded = setup({ guards: { a: () => true, b: () => true, c: () => true } }).createMachine({
      id: 'guarded',
      initial: 'idle',
      states: {
        idle: {
          on: {
            go: { guard: and(['a', not(and(['b', 'c']))]), target: 'busy' },
            maybe: { guard: or(['a', not('b')]), target: 'busy' },
            check: { guard: and([stateIn('#guarded.idle'), or(['b', 'c'])]), target: 'busy' },
          },
        },
        busy: {},
      },
    });
    const guards = allNodes(machineGraph(guarded))
      .flatMap((n) => n.transitions)
      .map((t) => t.guard);
    expect(guards).toEqual(['a && !(b && c)', 'a || !b', 'in(guarded.idle) && (b || c)']);
  });

  it('turns a state value into the active state ids, parallel regions and ancestors included', () => {
    const graph = machineGraph(nested);
    expect(activeStateIds(graph, 'idle')).toEqual(['job.idle']);
    expect(activeStateIds(graph, { working: { slots: 'full', schedule: 'running' } })).toEqual([
      'job.working',
      'job.working.slots',
      'job.working.slots.full',
      'job.working.schedule',
      'job.working.schedule.running',
    ]);
  });

  it('draws Mermaid with regions, readable delayed events, the final state and the highlighted states', () => {
    const text = toMermaid(machineGraph(nested), ['job.idle']);
    expect(text).toContain('state "working" as s_job_working {');
    expect(text).toMatch(/\n\s+--\n/);
    expect(text).toContain('s_job_working_schedule_running --> s_job_working_schedule_paused : after 500ms');
    expect(text).toContain('s_job_idle --> s_job_idle : RESUME');
    expect(text).toContain('s_job_done --> [*]');
    expect(text).toContain('class s_job_idle active');
  });

  it('draws a machine without states as one state looping on the events it handles', () => {
    const service = createMachine({ id: 'svc', on: { 'svc.ask': {}, 'svc.tell': {} } });
    expect(toMermaid(machineGraph(service))).toContain('s_svc --> s_svc : svc.ask / svc.tell');
  });

  it('renders SVG with every state and nothing fetched from elsewhere', async () => {
    const svg = await toSvg(machineGraph(nested));
    for (const node of allNodes(machineGraph(nested)).slice(1))
      expect(svg).toContain(`data-id="${mermaidId(node.id)}"`);
    expect(svg).not.toMatch(/@import|https?:\/\/(?!www\.w3\.org)/);
  });
});

describe('baro machines', () => {
  it('finds the run machine and the machines it invokes and spawns', () => {
    const ids = allMachines().map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining(['run', 'conductor', 'story', 'operator', 'librarian', 'sentry', 'herald']),
    );
  });

  it('--format mermaid prints every state of every machine definition', async () => {
    const result = await runBaro(['machines', '--format', 'mermaid'], { cwd: process.cwd() });
    expect(result.exitCode).toBe(0);
    const diagrams = result.stdout.split(/^%% /m).filter((d) => d.trim() !== '');
    const machines = allMachines();
    expect(diagrams.map((d) => d.split('\n')[0])).toEqual(machines.map((m) => m.id));
    for (const machine of machines) {
      const diagram = diagrams.find((d) => d.startsWith(`${machine.id}\n`)) ?? '';
      const graph = machineGraph(machine);
      const states = graph.root.children.length === 0 ? [graph.root] : allNodes(graph).slice(1);
      for (const node of states) expect(diagram).toContain(`state "${node.key}" as ${mermaidId(node.id)}`);
    }
  });

  it("the README's statecharts are the ones baro machines draws from today's definitions", async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## The statecharts'));
    const shown = [...section.matchAll(/^### (\S+)\n\n```mermaid\n([\s\S]*?)```$/gm)].map(([, id, body]) => [id, body]);
    expect(shown).toEqual(allMachines().map((m) => [m.id, toMermaid(machineGraph(m))]));
  });

  it('refuses an unknown format, and svg without a folder, with exit 2', async () => {
    const png = await runBaro(['machines', '--format', 'png'], { cwd: process.cwd() });
    expect(png.exitCode).toBe(2);
    expect(png.stderr).toContain('Expected mermaid or svg');
    const svg = await runBaro(['machines', '--format', 'svg'], { cwd: process.cwd() });
    expect(svg.exitCode).toBe(2);
    expect(svg.stderr).toContain('--out DIR');
  });
});
