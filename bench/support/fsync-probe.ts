import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type LatencySummary, summariseLatencies } from './report.js';

const WRITES = 200;
const PAGE = Buffer.alloc(4096, 0x61);

/**
 * Times 200 appends of one 4 KiB page, each followed by fdatasync, in `dir`: the disk
 * cost behind every SQLite commit with synchronous=FULL, for comparing machines.
 */
export async function probeFsync(dir: string): Promise<LatencySummary> {
  const path = join(dir, 'fsync-probe.bin');
  const file = await open(path, 'w');
  const latencies: number[] = [];
  try {
    for (let i = 0; i < WRITES; i += 1) {
      const started = performance.now();
      await file.write(PAGE);
      await file.datasync();
      latencies.push(performance.now() - started);
    }
  } finally {
    await file.close();
    await rm(path, { force: true });
  }
  return summariseLatencies(latencies);
}
