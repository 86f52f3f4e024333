// `npm run bench`: every benchmark, one after the other, each printing its measurements and target ratios.
import { benchDag } from './dag.js';
import { benchLive } from './live.js';
import { benchMap } from './map.js';
import { benchStream } from './stream.js';

await benchStream();
await benchMap();
await benchLive();
await benchDag();
