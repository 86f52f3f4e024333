// A machine graph drawn as SVG on the server, so the inspector page and `baro machines` fetch nothing from outside.
import type { renderMermaidSVG } from 'beautiful-mermaid';
import { importEsm } from '../../services/esm-import.js';
import type { MachineGraph } from './machine-graph.js';
import { toMermaid } from './mermaid.js';

// The renderer's stylesheet imports a web font; the system font is used instead so nothing leaves the machine.
const REMOTE_IMPORT = /@import url\([^)]*\);?/g;

/** The renderer is loaded when first drawn with: it is large, and most runs never draw a machine. */
export async function toSvg(graph: MachineGraph): Promise<string> {
  const renderer = await importEsm<{ renderMermaidSVG: typeof renderMermaidSVG }>('beautiful-mermaid');
  return renderer.renderMermaidSVG(toMermaid(graph)).replace(REMOTE_IMPORT, '');
}
