import { describe, expect, it, vi } from 'vitest';
import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { integrationGateLogic } from '../../actors/integration-gate.js';
import { auditorMachine } from '../../machines/auditor.js';
import type { AuditTarget, IntegrationGateOutput, VerifyResult } from '../../machines/types.js';

const red: VerifyResult = { command: 'make test', status: 'failed', exitCode: 2, durationMs: 1, tail: 'FAIL' };

const auditor = auditorMachine.provide({
  actors: {
    listChecks: fromPromise<readonly string[], AuditTarget>(async () => ['make test']),
    runCheck: fromPromise<VerifyResult, { target: AuditTarget; command: string }>(async () => red),
  },
});

// A parent that invokes the gate as the Conductor does.
const parent = setup({
  types: {
    context: {} as { output: IntegrationGateOutput | undefined },
    output: {} as IntegrationGateOutput | undefined,
  },
  actors: { integrationGate: integrationGateLogic(auditor) },
}).createMachine({
  context: { output: undefined },
  initial: 'gating',
  states: {
    gating: {
      invoke: {
        id: 'integrationGate',
        src: 'integrationGate',
        input: { level: 2 },
        onDone: { target: 'done', actions: assign({ output: ({ event }) => event.output }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.output,
});

describe('the integration gate', () => {
  it("runs the Auditor as a child in the run's actor system, whose events are heard there once", async () => {
    const created: AnyActorRef[] = [];
    const heard: unknown[] = [];
    const root = createActor(parent, {
      inspect: (event: InspectionEvent) => {
        if (event.type !== '@xstate.actor') return;
        const ref = event.actorRef as AnyActorRef;
        created.push(ref);
        ref.on('verify.completed', (e: unknown) => heard.push(e));
      },
    });
    root.start();
    const output = await toPromise(root);

    expect(output).toEqual({ status: 'failed', results: [red] });
    const audit = created.find((ref) => ref.id === 'auditor');
    expect(audit?._parent?.id).toBe('integrationGate');
    expect(heard).toEqual([
      { type: 'verify.completed', scope: 'integration', level: 2, status: 'failed', results: [red] },
    ]);
  });

  it('stops its Auditor and the check it runs when the tree is stopped mid-check (Ctrl-C between levels)', async () => {
    let aborted: AbortSignal | undefined;
    const hanging = auditorMachine.provide({
      actors: {
        listChecks: fromPromise<readonly string[], AuditTarget>(async () => ['make test']),
        runCheck: fromPromise<VerifyResult, { target: AuditTarget; command: string }>(
          ({ signal }) =>
            new Promise<VerifyResult>(() => {
              aborted = signal;
            }),
        ),
      },
    });
    const root = createActor(parent.provide({ actors: { integrationGate: integrationGateLogic(hanging) } }));
    root.start();
    await vi.waitFor(() => expect(aborted).toBeDefined());

    expect(() => root.stop()).not.toThrow();
    expect(aborted?.aborted).toBe(true);
  });
});
