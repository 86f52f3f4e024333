// Preloaded into a benchmarked baro process: on exit, writes its peak resident set (bytes) to BARO_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const target = process.env.BARO_BENCH_RSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
