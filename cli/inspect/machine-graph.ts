// A machine definition as plain data (states, initial states, transitions), read from any XState machine: no state list is assumed.
import type { AnyStateMachine, StateValue } from 'xstate';

export interface GraphTransition {
  /** The event as the machine names it (`operator.done`, `xstate.done.actor.backoff`, or `always`). */
  readonly event: string;
  /** Ids of the target states; empty for a transition that stays where it is. */
  readonly targets: readonly string[];
  readonly guard?: string | undefined;
  readonly reenter: boolean;
}

export interface GraphNode {
  readonly id: string;
  readonly key: string;
  /** Keys from the machine root to this node (empty for the root). */
  readonly path: readonly string[];
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly initial?: string | undefined;
  readonly transitions: readonly GraphTransition[];
  readonly children: readonly GraphNode[];
}

export interface MachineGraph {
  readonly id: string;
  readonly root: GraphNode;
}

// The structural surface of an xstate StateNode that the graph needs; xstate's own type keeps these public.
interface NodeLike {
  readonly id: string;
  readonly key: string;
  readonly path: readonly string[];
  readonly type: GraphNode['type'];
  readonly initial?: { readonly target: readonly NodeLike[] } | undefined;
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
  readonly always?: readonly TransitionLike[] | undefined;
}

interface TransitionLike {
  readonly target?: readonly NodeLike[] | undefined;
  readonly guard?: unknown;
  readonly reenter?: boolean | undefined;
}

function guardName(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard !== 'object' && typeof guard !== 'function') return 'guard';
  // Combinators (`and`, `or`, `not`) carry the guards they combine.
  if ('guards' in guard && Array.isArray(guard.guards)) {
    const parts = guard.guards.map(guardName);
    const type = 'type' in guard && typeof guard.type === 'string' ? guard.type : '';
    if (type === 'xstate.not') return `!${parts.join('')}`;
    return parts.join(type === 'xstate.or' ? ' || ' : ' && ');
  }
  if ('type' in guard && typeof guard.type === 'string') return guard.type;
  return typeof guard === 'function' && guard.name ? guard.name : 'guard';
}

function transitionOf(event: string, t: TransitionLike): GraphTransition {
  return {
    event,
    targets: (t.target ?? []).map((n) => n.id),
    guard: guardName(t.guard),
    reenter: t.reenter === true,
  };
}

function nodeOf(node: NodeLike): GraphNode {
  const transitions = [...node.transitions.entries()].flatMap(([event, ts]) => ts.map((t) => transitionOf(event, t)));
  const always = (node.always ?? []).map((t) => transitionOf('always', t));
  return {
    id: node.id,
    key: node.key,
    path: [...node.path],
    type: node.type,
    initial: node.initial?.target[0]?.id,
    transitions: [...transitions, ...always],
    children: Object.values(node.states).map(nodeOf),
  };
}

export function machineGraph(machine: AnyStateMachine): MachineGraph {
  return { id: machine.id, root: nodeOf(machine.root as unknown as NodeLike) };
}

/** Every node of the graph, parents before children. */
export function allNodes(graph: MachineGraph): GraphNode[] {
  const out: GraphNode[] = [];
  const visit = (node: GraphNode) => {
    out.push(node);
    node.children.forEach(visit);
  };
  visit(graph.root);
  return out;
}

/** The ids of the states a value makes active, ancestors included (the root is not listed). */
export function activeStateIds(graph: MachineGraph, value: StateValue): string[] {
  const walk = (node: GraphNode, v: StateValue): string[] => {
    if (typeof v === 'string') {
      const child = node.children.find((c) => c.key === v);
      return child ? [child.id] : [];
    }
    return Object.entries(v).flatMap(([key, sub]) => {
      const child = node.children.find((c) => c.key === key);
      return child && sub !== undefined ? [child.id, ...walk(child, sub)] : [];
    });
  };
  return walk(graph.root, value);
}
