// The pieces every layout is made of: panes cut to their box, the header's height, text made safe for a terminal.
import { stripControl } from '../../services/text.js';
import type { ViewModel } from './view-model.js';

export interface Pane {
  readonly label: string;
  readonly top: number;
  readonly left: number;
  readonly width: number;
  /** 0 hides the pane. */
  readonly height: number;
  /** Already cut to the pane's inner size (inside its border). */
  readonly lines: readonly string[];
}

export interface Frame {
  readonly header: Pane;
  readonly stories: Pane;
  readonly detail: Pane;
  readonly events: Pane;
  /** The feedback line of the plan review, while it is typed. */
  readonly input: Pane;
  readonly footer: string;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

export const MIN = { width: 40, height: 14 } as const;
export const HEADER_HEIGHT = 4;
export const INPUT_HEIGHT = 3;

export const duration = (ms: number): string => {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h${pad(m)}m${pad(s % 60)}s` : `${m}m${pad(s % 60)}s`;
};

export const tokensText = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));
export const clock = (t: number) => new Date(t).toISOString().slice(11, 19);

// Goals, plans and agents' texts can hold escape codes: a terminal must never act on them.
const printable = (line: string) => stripControl(line).replace(/[\t\n]/g, ' ');

function fit(lines: readonly string[], width: number, height: number): string[] {
  return lines
    .slice(0, Math.max(0, height))
    .map(printable)
    .map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line));
}

export function pane(label: string, box: Omit<Pane, 'label' | 'lines'>, lines: readonly string[]): Pane {
  return { label, ...box, lines: fit(lines, box.width - 2, box.height - 2) };
}

export const hidden = (top: number, width: number): Pane => ({ label: '', top, left: 0, width, height: 0, lines: [] });

export const sized = (size: Size) => ({
  width: Math.max(MIN.width, size.width),
  height: Math.max(MIN.height, size.height),
});

export function eventLines(view: ViewModel, height: number): string[] {
  return view.events.slice(-height).map((e) => `${clock(e.t)} ${e.source.padEnd(9)} ${e.text}`);
}
