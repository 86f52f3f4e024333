// Everything that watches a run: the reporter (TUI, plain lines or JSON), the inspection record and the --inspect server.
import { Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import type { InspectionEvent } from 'xstate';
import { openInspectJournal } from './inspect/journal.js';
import { createInspectRecorder } from './inspect/recorder.js';
import type { InspectRecord } from './inspect/records.js';
import type { InspectorServer } from './inspect/server.js';
import { createJournal, createReporter } from './reporter.js';
import type { Reviewer } from './review.js';
import type { RunReportEvent } from './run-events.js';
import type { Tui } from './tui/tui.js';

export interface RunWatch {
  /** Appends the event to the run's events.jsonl. */
  readonly journal: (event: RunReportEvent) => void;
  /** Prints the event: a plain line, or a JSON line with --json (nothing while the TUI has the screen). */
  readonly report: (event: RunReportEvent) => void;
  /** Draws the event on the TUI's screen, when it shows the run. */
  readonly tui: (event: RunReportEvent) => void;
  /** The --inspect page's address, when it is served. */
  readonly inspectorUrl: string | undefined;
  /** Pass to createActor's `inspect`: the record, the inspector page and the TUI see every actor of the tree. */
  readonly inspect: (event: InspectionEvent) => void;
  /** The run's report, for the person: printed now, or when the TUI gives the terminal back, before its last line. */
  readonly printReport: (text: string) => void;
  /** The plan review in the TUI's screen; undefined when no TUI shows the run or it has no keyboard. */
  readonly review: Reviewer | undefined;
  /** Ends the TUI, closes the record and the inspector server. */
  readonly close: (status: string) => Promise<void>;
}

export interface WatchOptions {
  readonly json: boolean;
  readonly inspect: boolean;
  readonly runId: string;
  readonly runDir: string;
  readonly journal: string;
  readonly out: Writable;
  readonly err: Writable;
  /** Whether `out` is a terminal the TUI can take over. */
  readonly tty: boolean;
  /** The terminal's keyboard (stdin when it is a TTY): the TUI reads its keys and the plan review from it. */
  readonly keyboard: Readable | undefined;
}

// What the reporter prints while the TUI has the screen: nothing, the journal still gets every event.
const discard = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

export async function startWatch(options: WatchOptions): Promise<RunWatch> {
  const journal = openInspectJournal(options.runDir);
  // The inspector and the TUI are loaded only when used: their libraries would slow every run's start-up.
  const server: InspectorServer | undefined = options.inspect
    ? await (
        await import('./inspect/server.js')
      ).startInspectorServer({ title: `baro run ${options.runId}`, mode: 'live' })
    : undefined;
  if (server) options.err.write(`Inspector: ${server.url}\n`);
  const sink = (record: InspectRecord) => {
    journal.write(record);
    server?.publish(record);
  };
  // A resumed run's process numbers its actors from x:0 again: the page forgets the tree of the one before.
  sink({ kind: 'start', t: Date.now() });
  const recorder = createInspectRecorder({ now: Date.now, sink });
  // The TUI has the screen from the start: planning, the plan review and the run. Without it, plain lines go to `out`.
  const tui: Tui | undefined =
    options.tty && !options.json
      ? (await import('./tui/tui.js')).startTui({ out: options.out, input: options.keyboard })
      : undefined;
  const reporter = createReporter({ json: options.json, out: tui ? discard() : options.out });
  let epilogue: string | undefined;
  return {
    journal: createJournal({ path: options.journal }).report,
    report: reporter.report,
    tui: (event) => tui?.report(event),
    inspectorUrl: server?.url,
    printReport(text) {
      if (tui === undefined) options.out.write(text);
      else epilogue = text;
    },
    review: tui && options.keyboard ? tui.review : undefined,
    inspect(event) {
      recorder.observe(event);
      tui?.inspect(event);
    },
    async close(status) {
      sink({ kind: 'end', t: Date.now(), status });
      await tui?.close(epilogue);
      await journal.close();
      await server?.close();
    },
  };
}
