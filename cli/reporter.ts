// Prints each run event (JSON lines or plain lines); keeps the run's journal, events.jsonl.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { stripControl } from '../services/text.js';
import { plainLine } from './run-events.js';
import type { RunReportEvent } from './run-events.js';

export interface Reporter {
  readonly report: (event: RunReportEvent) => void;
}

// An event stamped when it was published keeps its time: the journal, --json and the participants agree on it.
const stamped = (event: RunReportEvent, now: () => Date) =>
  JSON.stringify({ ...event, ts: 'ts' in event && typeof event.ts === 'string' ? event.ts : now().toISOString() });

/** Appends each event to the journal as one JSON line. */
export function createJournal(options: { path: string; now?: () => Date }): Reporter {
  const now = options.now ?? (() => new Date());
  mkdirSync(dirname(options.path), { recursive: true });
  return {
    // Synchronous so the journal keeps event order even when the process is about to exit.
    report: (event) => appendFileSync(options.path, `${stamped(event, now)}\n`),
  };
}

export function createReporter(options: { json: boolean; out: Writable; now?: () => Date }): Reporter {
  const now = options.now ?? (() => new Date());
  return {
    report(event) {
      if (options.json) {
        options.out.write(`${stamped(event, now)}\n`);
        return;
      }
      const text = plainLine(event);
      // Goals, titles and agents' failure texts can hold escape codes; a terminal must not act on them.
      if (text !== undefined) options.out.write(`${stripControl(text)}\n`);
    },
  };
}
