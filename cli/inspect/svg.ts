// A machine graph drawn as SVG on the server, so the inspector page and `baro machines` fetch nothing from outside.
import { renderMermaidSVG } from 'beautiful-mermaid';
import type { MachineGraph } from './machine-graph.js';
import { toMermaid } from './mermaid.js';

// The renderer's stylesheet imports a web font; the system font is used instead so nothing leaves the machine.
const REMOTE_IMPORT = /@import url\([^)]*\);?/g;

export function toSvg(graph: MachineGraph): string {
  return renderMermaidSVG(toMermaid(graph)).replace(REMOTE_IMPORT, '');
}
