// The Conductor's integration gate: the Auditor run on the integration branch after a level.
import { createActor, fromPromise, toPromise } from 'xstate';
import type { IntegrationGateOutput } from '../machines/types.js';
import type { ProvidedAuditor } from './auditor.js';

export function integrationGateLogic(auditor: ProvidedAuditor) {
  return fromPromise<IntegrationGateOutput, { level: number }>(({ input, signal, self }) => {
    // Its child in the run's system: the inspector shows the gate's statechart, and the Herald hears its events.
    const actor = createActor(auditor, {
      id: 'auditor',
      parent: self,
      input: { target: { kind: 'integration', level: input.level } },
    });
    // A child cannot be stopped from outside (XState throws): told to cancel, it stops its check itself.
    signal.addEventListener('abort', () => actor.send({ type: 'auditor.cancel' }), { once: true });
    actor.start();
    return toPromise(actor);
  });
}
