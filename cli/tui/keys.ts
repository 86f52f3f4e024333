// The keys the TUI understands outside the plan review (see review-model.ts for the review's own).

export type ViewKey = 'up' | 'down' | 'enter' | 'stop';

/** A key as the terminal reports it: its full name (`q`, `S-g`, `up`, `enter`, `C-c`) and the character it types. */
export interface KeyPress {
  readonly full: string;
  readonly ch?: string | undefined;
}

const RUN_KEYS: ReadonlyMap<string, ViewKey> = new Map([
  ['up', 'up'],
  ['k', 'up'],
  ['down', 'down'],
  ['j', 'down'],
  ['enter', 'enter'],
  ['q', 'stop'],
  // In raw mode Ctrl-C arrives as a key, not a signal: it stops the run exactly like `q`.
  ['C-c', 'stop'],
]);

/** What a key does while the run is watched (outside the plan review). */
export const runKey = (press: KeyPress): ViewKey | undefined => RUN_KEYS.get(press.full);
