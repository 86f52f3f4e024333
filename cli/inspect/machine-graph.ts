// A machine definition as plain data (states, initial states, transitions), read from any XState machine: no state list is assumed.
import { and, not, or, stateIn } from 'xstate';
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

// XState's guard combinators are functions whose names a bundler may change: they are told apart by their `check`.
const checkOf = (guard: unknown): unknown => (guard as { readonly check?: unknown }).check;
const COMBINATORS = new Map<unknown, 'and' | 'or' | 'not'>([
  [checkOf(and([])), 'and'],
  [checkOf(or([])), 'or'],
  [checkOf(not('guard')), 'not'],
]);
const STATE_IN = checkOf(stateIn('#'));

function guardName(guard: unknown, nested = false): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard !== 'object' && typeof guard !== 'function') return 'guard';
  const check = checkOf(guard);
  if (check === STATE_IN) {
    const value = (guard as { readonly stateValue?: unknown }).stateValue;
    return `in(${typeof value === 'string' ? value.replace(/^#/, '') : JSON.stringify(value)})`;
  }
  const combinator = COMBINATORS.get(check);
  const parts = 'guards' in guard && Array.isArray(guard.guards) ? guard.guards : undefined;
  if (combinator !== undefined && parts !== undefined) {
    if (combinator === 'not') return `!${guardName(parts[0], true) ?? 'guard'}`;
    const text = parts.map((part) => guardName(part, true) ?? 'guard').join(combinator === 'or' ? ' || ' : ' && ');
    return nested && parts.length > 1 ? `(${text})` : text;
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
