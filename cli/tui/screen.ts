// The only file that knows blessed: draws a laid-out frame and turns key presses into view keys.
import type { Readable, Writable } from 'node:stream';
import blessed from 'blessed';
import type { Frame, Pane, Size } from './layout.js';
import type { KeyPress } from './keys.js';

export interface TuiScreen {
  readonly size: () => Size;
  readonly draw: (frame: Frame) => void;
  readonly onKey: (handler: (key: KeyPress) => void) => void;
  readonly onResize: (handler: () => void) => void;
  /** Whether the keyboard keeps the process alive: only while a question (the plan review) waits for an answer. */
  readonly awaitKeys: (waiting: boolean) => void;
  readonly destroy: () => void;
}

// blessed reports Enter twice, as `enter` and then as `return`; a terminal that sends a line feed gives `linefeed`.
const fullName = (full: string) => (full === 'linefeed' ? 'enter' : full);

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function openScreen(output: Writable, input: Readable): TuiScreen {
  // Unicode borders instead of DEC line-drawing letters, in every terminal and in tmux captures.
  process.env['NCURSES_NO_UTF8_ACS'] ??= '1';
  const screen = blessed.screen({
    // @types/blessed 0.1.27 has the two stream types swapped; blessed reads keys from input and draws on output.
    input: input as unknown as Writable,
    output: output as unknown as Readable,
    smartCSR: true,
    fullUnicode: true,
    title: 'baro',
    warnings: false,
  });
  // blessed exits the process on SIGINT or SIGTERM when its handler is the only one left; the run ends itself.
  const stayAlive = () => undefined;
  for (const signal of SIGNALS) process.on(signal, stayAlive);
  // Keys are read while the run lives; the keyboard alone never keeps the process alive (a failed run still exits).
  const keyboard = input as Partial<NodeJS.ReadStream>;
  keyboard.unref?.();
  const box = () =>
    blessed.box({ parent: screen, border: { type: 'line' }, tags: false, style: { border: { fg: 'gray' } } });
  const boxes = { header: box(), stories: box(), detail: box(), events: box(), input: box() };
  const footer = blessed.box({ parent: screen, bottom: 0, left: 0, height: 1, tags: false, style: { fg: 'gray' } });

  const place = (widget: blessed.Widgets.BoxElement, pane: Pane) => {
    if (pane.height < 3) return void widget.hide();
    widget.show();
    widget.top = pane.top;
    widget.left = pane.left;
    widget.width = pane.width;
    widget.height = pane.height;
    widget.setLabel(` ${pane.label} `);
    widget.setContent(pane.lines.join('\n'));
  };

  return {
    size: () => ({ width: Number(screen.width), height: Number(screen.height) }),
    draw(frame) {
      place(boxes.header, frame.header);
      place(boxes.stories, frame.stories);
      place(boxes.detail, frame.detail);
      place(boxes.events, frame.events);
      place(boxes.input, frame.input);
      footer.width = Number(screen.width);
      footer.setContent(frame.footer);
      screen.render();
    },
    onKey(handler) {
      screen.on('keypress', (ch: string | undefined, key: { full?: string; name?: string } | undefined) => {
        if (key?.name !== 'return') handler({ full: fullName(key?.full ?? ch ?? ''), ch });
      });
    },
    awaitKeys(waiting) {
      if (waiting) keyboard.ref?.();
      else keyboard.unref?.();
    },
    onResize(handler) {
      screen.on('resize', handler);
    },
    destroy() {
      screen.destroy();
      for (const signal of SIGNALS) process.removeListener(signal, stayAlive);
    },
  };
}
