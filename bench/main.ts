// `npm run bench`: every benchmark, one after the other, each printing its measurements and target ratios.
import { buildBaro } from './child-run.js';
import { benchDag } from './dag.js';
import { benchLive } from './live.js';
import { benchMap } from './map.js';
import { benchPool } from './pool.js';
import { benchScale } from './scale.js';
import { benchStream } from './stream.js';

// Scheduling first: run in this process, its agents' spawns fork it, at a cost that grows with its memory, which the
// later benchmarks grow (the stream parser's holds 100,000 lines).
await benchDag();
await benchStream();
await benchMap();
await benchLive();
// The last two run compiled baro in its own process: its start-up and its memory are measured alone.
const main = await buildBaro();
await benchScale(main);
await benchPool(main);
