// Everything that watches a run: the reporter (TUI, plain lines or JSON), the inspection record and the --inspect server.
import { Writable } from 'node:stream';
import type { InspectionEvent } from 'xstate';
import { openInspectJournal } from './inspect/journal.js';
import { createInspectRecorder } from './inspect/recorder.js';
import type { InspectRecord } from './inspect/records.js';
import { startInspectorServer } from './inspect/server.js';
import type { InspectorServer } from './inspect/server.js';
import { createReporter } from './reporter.js';
import type { RunReportEvent } from './run-events.js';
import { startTui } from './tui/tui.js';
import type { Tui } from './tui/tui.js';

export interface RunWatch {
  readonly report: (event: RunReportEvent) => void;
  /** Pass to createActor's `inspect`: the record, the inspector page and the TUI see every actor of the tree. */
  readonly inspect: (event: InspectionEvent) => void;
  /** The run's report, for the person: printed now, or when the TUI gives the terminal back, before its last line. */
  readonly printReport: (text: string) => void;
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
}

export async function startWatch(options: WatchOptions): Promise<RunWatch> {
  const journal = openInspectJournal(options.runDir);
  const server: InspectorServer | undefined = options.inspect
    ? await startInspectorServer({ title: `baro run ${options.runId}`, mode: 'live' })
    : undefined;
  if (server) options.err.write(`Inspector: ${server.url}\n`);
  const sink = (record: InspectRecord) => {
    journal.write(record);
    server?.publish(record);
  };
  const recorder = createInspectRecorder({ now: Date.now, sink });
  // The plan review owns the terminal until the plan is approved: the TUI takes it once the branch exists, and is
  // given what happened before. Until then, and without a TUI, the plain lines go to `out`.
  const wantsTui = options.tty && !options.json;
  const before: RunReportEvent[] = [];
  let tui: Tui | undefined;
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (tui === undefined) options.out.write(chunk);
      done();
    },
  });
  const reporter = createReporter({ json: options.json, out, journal: options.journal });
  const report = (event: RunReportEvent) => {
    reporter.report(event);
    if (tui !== undefined) tui.report(event);
    else if (wantsTui) {
      before.push(event);
      if (event.type === 'branch.created') {
        tui = startTui({ out: options.out });
        for (const earlier of before.splice(0)) tui.report(earlier);
      }
    }
    // The inspector is announced as soon as the run has one, right after the run itself.
    if (event.type === 'run.started' && server) report({ type: 'inspect.listening', url: server.url });
  };
  let epilogue: string | undefined;
  return {
    report,
    printReport(text) {
      if (tui === undefined) options.out.write(text);
      else epilogue = text;
    },
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
