import { afterEach, describe, expect, it, vi } from 'vitest';
import { PushQueue } from '../../../shim/push-queue.js';
import { RecordingLogger } from '../push/doubles.js';
import { waitUntil } from './harness.js';

/** Creates a job that runs until release() is called. */
function heldJob() {
  let release: () => void = () => {};
  let started = false;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    job: {
      user: 'alice',
      run: () => {
        started = true;
        return done;
      },
    },
    release: () => release(),
    started: () => started,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PushQueue', () => {
  it('drops jobs beyond the bound', () => {
    const logger = new RecordingLogger();
    const queue = new PushQueue({ logger, maxPending: 1 });
    const first = heldJob();

    expect(queue.enqueue(first.job)).toBe(true);
    expect(queue.enqueue(heldJob().job)).toBe(false);
    expect(logger.matching({ reason: 'queue-full', dropped: 1 })).toHaveLength(1);
    first.release();
  });

  it('rate-limits drop log lines', () => {
    const logger = new RecordingLogger();
    const queue = new PushQueue({ logger, maxPending: 1, dropLogIntervalMs: 60_000 });
    const first = heldJob();
    queue.enqueue(first.job);

    for (let i = 0; i < 5; i += 1) {
      queue.enqueue(heldJob().job);
    }

    expect(logger.matching({ reason: 'queue-full' })).toHaveLength(1);
    first.release();
  });

  it('runs at most the concurrency', async () => {
    const queue = new PushQueue({
      logger: new RecordingLogger(),
      maxPending: 10,
      concurrency: 2,
    });
    const jobs = [heldJob(), heldJob(), heldJob()];
    for (const held of jobs) {
      queue.enqueue(held.job);
    }

    expect(jobs.map((held) => held.started())).toEqual([true, true, false]);
    jobs[0]?.release();
    await waitUntil(() => jobs[2]?.started() === true);
    jobs[1]?.release();
    jobs[2]?.release();
    await waitUntil(() => queue.size === 0);
  });

  it('close waits for running jobs', async () => {
    const queue = new PushQueue({ logger: new RecordingLogger(), maxPending: 10 });
    const held = heldJob();
    queue.enqueue(held.job);

    const closing = queue.close(5000);
    held.release();

    expect(await closing).toBe(0);
  });

  it('close gives up after timeout', async () => {
    const queue = new PushQueue({ logger: new RecordingLogger(), maxPending: 10 });
    const held = heldJob();
    queue.enqueue(held.job);

    expect(await queue.close(20)).toBe(1);
    held.release();
  });

  it('rejects jobs after close', async () => {
    const logger = new RecordingLogger();
    const queue = new PushQueue({ logger, maxPending: 10 });
    await queue.close(10);

    expect(queue.enqueue(heldJob().job)).toBe(false);
    expect(logger.matching({ reason: 'shutting-down' })).toHaveLength(1);
  });

  it('logs a failing job', async () => {
    const logger = new RecordingLogger();
    const queue = new PushQueue({ logger, maxPending: 10 });

    queue.enqueue({
      user: 'alice',
      run: () => Promise.reject(new Error('store closed')),
    });
    await waitUntil(() => queue.size === 0);

    expect(logger.matching({ user: 'alice' }).map((entry) => entry.message)).toEqual([
      'push failed',
    ]);
  });
  it('reports every dropped push', async () => {
    vi.useFakeTimers();
    const logger = new RecordingLogger();
    const queue = new PushQueue({ logger, maxPending: 1, dropLogIntervalMs: 1000 });
    const first = heldJob();
    queue.enqueue(first.job);

    for (let i = 0; i < 5; i += 1) {
      queue.enqueue(heldJob().job);
    }
    await vi.advanceTimersByTimeAsync(5000);

    const lines = logger.matching({ reason: 'queue-full' });
    const reported = lines.reduce((sum, entry) => sum + Number(entry.fields.dropped), 0);
    expect(reported).toBe(5);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.fields.user).toBe('alice');
    first.release();
  });

  it('flushes drop count on close', async () => {
    const logger = new RecordingLogger();
    const queue = new PushQueue({ logger, maxPending: 1, dropLogIntervalMs: 60_000 });
    const first = heldJob();
    queue.enqueue(first.job);
    queue.enqueue(heldJob().job);
    queue.enqueue(heldJob().job);
    queue.enqueue(heldJob().job);

    first.release();
    await queue.close(1000);

    const counts = logger.matching({ reason: 'queue-full' }).map((e) => e.fields.dropped);
    expect(counts).toEqual([1, 2]);
  });

  it('starts no job after close gave up', async () => {
    const queue = new PushQueue({
      logger: new RecordingLogger(),
      maxPending: 10,
      concurrency: 1,
    });
    const first = heldJob();
    const second = heldJob();
    queue.enqueue(first.job);
    queue.enqueue(second.job);

    expect(await queue.close(10)).toBe(2);
    first.release();
    await waitUntil(() => second.started() || queue.size === 0);

    expect(second.started()).toBe(false);
    second.release();
  });

  it('logs abandoned job failures at debug', async () => {
    const logger = new RecordingLogger();
    const queue = new PushQueue({ logger, maxPending: 10 });
    let fail: (error: Error) => void = () => {};
    queue.enqueue({
      user: 'alice',
      run: () =>
        new Promise((_resolve, reject) => {
          fail = reject;
        }),
    });

    await queue.close(10);
    fail(new Error('The database connection is not open'));
    await waitUntil(() => queue.size === 0);

    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
    expect(logger.matching({ user: 'alice' })[0]?.level).toBe('debug');
  });
});
