// The Conductor's integration gate: the Auditor run on the integration branch after a level, its events passed on.
import { createActor, fromPromise, toPromise } from 'xstate';
import type { IntegrationGateOutput } from '../machines/types.js';
import type { ProvidedAuditor } from './auditor.js';

export function integrationGateLogic(auditor: ProvidedAuditor) {
  return fromPromise<IntegrationGateOutput, { level: number }>(({ input, signal, emit }) => {
    const actor = createActor(auditor, { input: { target: { kind: 'integration', level: input.level } } });
    actor.on('verify.completed', emit);
    signal.addEventListener('abort', () => actor.stop(), { once: true });
    actor.start();
    return toPromise(actor);
  });
}
