// A machine graph as a Mermaid stateDiagram-v2, optionally with some states marked active.
import { allNodes } from './machine-graph.js';
import type { GraphNode, GraphTransition, MachineGraph } from './machine-graph.js';

/** Mermaid state ids allow letters, digits and underscores only; dots in XState ids become underscores. */
export function mermaidId(stateId: string): string {
  return `s_${stateId.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** A readable label for XState's generated event names. */
export function eventLabel(event: string): string {
  const done = /^xstate\.done\.actor\.(.+)$/.exec(event);
  if (done) return `done(${done[1]})`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(event);
  if (error) return `error(${error[1]})`;
  const after = /^xstate\.after\.(\d+)\./.exec(event);
  if (after) return `after ${after[1]}ms`;
  return event;
}

function label(t: GraphTransition): string {
  const text = `${eventLabel(t.event)}${t.guard ? ` [${t.guard}]` : ''}`;
  // `:` separates the label, and `;` or `#` would end or escape it.
  return text.replace(/[:;#]/g, ' ');
}

function declare(node: GraphNode, indent: string): string[] {
  const id = mermaidId(node.id);
  if (node.children.length === 0) return [`${indent}state "${node.key}" as ${id}`];
  const inner = node.type === 'parallel' ? parallelBody(node, `${indent}  `) : compoundBody(node, `${indent}  `);
  return [`${indent}state "${node.key}" as ${id} {`, ...inner, `${indent}}`];
}

function compoundBody(node: GraphNode, indent: string): string[] {
  // Children are declared before `[*] -->`, or the first one loses its label.
  const children = node.children.flatMap((c) => declare(c, indent));
  const initial = node.initial ? [`${indent}[*] --> ${mermaidId(node.initial)}`] : [];
  const finals = node.children.filter((c) => c.type === 'final').map((c) => `${indent}${mermaidId(c.id)} --> [*]`);
  return [...children, ...initial, ...finals];
}

function parallelBody(node: GraphNode, indent: string): string[] {
  return node.children.flatMap((region, i) => [...(i > 0 ? [`${indent}--`] : []), ...declare(region, indent)]);
}

/** One edge per pair of states; the events that take it are listed together. */
function transitions(graph: MachineGraph): string[] {
  const edges = new Map<string, string[]>();
  for (const node of allNodes(graph)) {
    if (node === graph.root) continue;
    for (const t of node.transitions) {
      for (const target of t.targets) {
        const key = `${mermaidId(node.id)} --> ${mermaidId(target)}`;
        const labels = edges.get(key) ?? [];
        if (!labels.includes(label(t))) labels.push(label(t));
        edges.set(key, labels);
      }
    }
  }
  return [...edges].map(([edge, labels]) => `  ${edge} : ${labels.join(' / ')}`);
}

/** A machine without states (a service answering events) is one state, looping on the events it handles. */
function statelessBody(root: GraphNode): string[] {
  const id = mermaidId(root.id);
  const events = [...new Set(root.transitions.map(label))];
  return [
    `  state "${root.key}" as ${id}`,
    `  [*] --> ${id}`,
    ...(events.length > 0 ? [`  ${id} --> ${id} : ${events.join(' / ')}`] : []),
  ];
}

function rootBody(root: GraphNode): string[] {
  if (root.children.length === 0) return statelessBody(root);
  return root.type === 'parallel' ? parallelBody(root, '  ') : compoundBody(root, '  ');
}

/** The whole diagram; `active` state ids are drawn highlighted. */
export function toMermaid(graph: MachineGraph, active: readonly string[] = []): string {
  const body = rootBody(graph.root);
  const highlight =
    active.length > 0
      ? [
          '  classDef active fill:#ffd54f,stroke:#b8860b,stroke-width:2px',
          `  class ${active.map(mermaidId).join(',')} active`,
        ]
      : [];
  return ['stateDiagram-v2', ...body, ...transitions(graph), ...highlight].join('\n') + '\n';
}
