// Prints each run event (JSON lines or plain lines) and keeps the run's journal, events.jsonl.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { stripControl } from '../services/text.js';
import { plainLine } from './run-events.js';
import type { RunReportEvent } from './run-events.js';

export interface Reporter {
  readonly report: (event: RunReportEvent) => void;
}

export function createReporter(options: { json: boolean; out: Writable; journal: string; now?: () => Date }): Reporter {
  const now = options.now ?? (() => new Date());
  mkdirSync(dirname(options.journal), { recursive: true });
  return {
    report(event) {
      // An event stamped when it was published keeps its time: participants saw that one.
      const ts = 'ts' in event && typeof event.ts === 'string' ? event.ts : now().toISOString();
      const line = JSON.stringify({ ...event, ts });
      // Synchronous so the journal keeps event order even when the process is about to exit.
      appendFileSync(options.journal, `${line}\n`);
      if (options.json) {
        options.out.write(`${line}\n`);
        return;
      }
      const text = plainLine(event);
      // Goals, titles and agents' failure texts can hold escape codes; a terminal must not act on them.
      if (text !== undefined) options.out.write(`${stripControl(text)}\n`);
    },
  };
}
