// `npm run bench`: every benchmark, one after the other, each printing its measurements and target ratios.
import { benchStream } from './stream.js';

await benchStream();
