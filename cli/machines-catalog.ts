// Every machine of baro's actor tree, found from its roots through the actors each machine declares.
import type { AnyStateMachine } from 'xstate';
import { heraldMachine } from '../machines/herald.js';
import { runMachine } from '../machines/run.js';
import { storyMachine } from '../machines/story.js';

// The story machine reaches the Conductor only through .provide(), and the Herald joins the run's system beside the
// Run, so each is a root of its own.
const ROOTS: readonly AnyStateMachine[] = [runMachine, storyMachine, heraldMachine];

function isMachine(logic: unknown): logic is AnyStateMachine {
  return typeof logic === 'object' && logic !== null && 'root' in logic && 'config' in logic;
}

/** The machines, parents before the machines they invoke or spawn, each once. */
export function allMachines(roots: readonly AnyStateMachine[] = ROOTS): AnyStateMachine[] {
  const found: AnyStateMachine[] = [];
  const visit = (machine: AnyStateMachine) => {
    if (found.includes(machine) || found.some((m) => m.id === machine.id)) return;
    found.push(machine);
    const actors: Record<string, unknown> = machine.implementations.actors;
    for (const logic of Object.values(actors)) if (isMachine(logic)) visit(logic);
  };
  roots.forEach(visit);
  return found;
}
