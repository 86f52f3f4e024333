// Throughput of the stream-json parser on a realistic 100,000-line agent stream built from the real fixtures.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createStreamParser } from '../services/claude/parse.js';

const TARGET_LINES_PER_SECOND = 50_000;
const TOTAL_LINES = 100_000;
/** A throwaway parser sees this many lines first, so the timing measures optimised code, not the JIT warming up. */
const WARMUP_LINES = 10_000;
const FIXTURES = new URL('../test/fixtures/claude/', import.meta.url);

function fixtureLines(name: string): string[] {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/**
 * The body of success.jsonl (text, tool_use, tool_result for Read/Grep/Edit/Bash, an allowed rate_limit_event)
 * repeated with fresh tool ids, so the parser's call map sees every call and every result; a final result line ends it.
 */
export function syntheticStream(totalLines: number): string[] {
  const lines = fixtureLines('success.jsonl');
  const body = lines.filter((line) => !line.startsWith('{"type":"system"') && !line.includes('"type":"result"'));
  const result = lines.find((line) => line.includes('"type":"result"'));
  if (result === undefined)
    throw new Error('success.jsonl has no result line; restore test/fixtures/claude/success.jsonl.');
  const stream: string[] = [];
  for (let cycle = 0; stream.length < totalLines - 1; cycle += 1) {
    for (const line of body) {
      if (stream.length === totalLines - 1) break;
      // Round-trip through UTF-8 so each line is a flat string, as lines decoded from a pipe are.
      stream.push(Buffer.from(line.replaceAll('toolu_01', `toolu_${cycle}_`), 'utf8').toString('utf8'));
    }
  }
  stream.push(result);
  return stream;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export async function benchStream(): Promise<void> {
  const stream = syntheticStream(TOTAL_LINES);
  const warmup = createStreamParser();
  for (let index = 0; index < WARMUP_LINES; index += 1) warmup.push(stream[index] ?? '');
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const counts = new Map<string, number>();
  const parser = createStreamParser();
  const started = performance.now();
  for (let index = 0; index < stream.length; index += 1) {
    for (const event of parser.push(stream[index] ?? '')) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
    if (index % 10_000 === 0) {
      const memory = process.memoryUsage();
      peakRss = Math.max(peakRss, memory.rss);
      peakHeap = Math.max(peakHeap, memory.heapUsed);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const rate = stream.length / seconds;
  const summary = parser.summary();
  console.log(`stream parser: ${stream.length.toLocaleString('en')} lines in ${seconds.toFixed(3)} s`);
  console.log(
    `  ${Math.round(rate).toLocaleString('en')} lines/s, ${(rate / TARGET_LINES_PER_SECOND).toFixed(2)}x the ${TARGET_LINES_PER_SECOND.toLocaleString('en')} lines/s target${rate >= TARGET_LINES_PER_SECOND ? '' : ' (BELOW TARGET)'}`,
  );
  console.log(
    `  memory: rss ${megabytes(before.rss)} -> peak ${megabytes(peakRss)}, heapUsed ${megabytes(before.heapUsed)} -> peak ${megabytes(peakHeap)} (input held in memory)`,
  );
  console.log(
    `  events: ${[...counts].map(([type, count]) => `${type} ${count}`).join(', ')}; malformed lines ${summary.malformedLines}`,
  );
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  await benchStream();
}
