// `npm run bench`: every benchmark, one after the other, each printing its measurements and target ratios.
import { buildBaro } from './child-run.js';
import { benchDag } from './dag.js';
import { benchFirstAgent } from './first-agent.js';
import { benchLive } from './live.js';
import { benchMap } from './map.js';
import { benchPool } from './pool.js';
import { benchScale } from './scale.js';
import { benchStream } from './stream.js';

// The runs are compiled baro in its own process, as users run it: its start-up, memory and forks are its own.
const main = await buildBaro();
// First: a new build's first run writes the code cache that every later run starts from.
await benchFirstAgent(main);
await benchDag(main);
await benchStream();
await benchMap();
await benchLive();
await benchScale(main);
await benchPool(main);
