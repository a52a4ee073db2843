// Preloaded (NODE_OPTIONS=--import) by test/memory-estimate.test.ts: at exit, writes the process's peak
// resident memory in bytes to MAV_PEAK_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.MAV_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
