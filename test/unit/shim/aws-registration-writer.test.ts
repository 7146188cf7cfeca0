import { afterEach, describe, expect, it } from 'vitest';
import { REGISTRATION_TTL_MS } from '../../../shared/registrations/types.js';
import { registrationInput } from '../../support/registrations-fixtures.js';
import { createSpoolRig, type SpoolRig } from './aws-spool-doubles.js';
import { waitUntil } from './harness.js';

const rigs: SpoolRig[] = [];

async function rig(options: Parameters<typeof createSpoolRig>[0] = {}) {
  const created = await createSpoolRig(options);
  rigs.push(created);
  return created;
}

afterEach(async () => {
  for (const created of rigs.splice(0)) {
    await created.dispose();
  }
});

describe('RegistrationWriter', () => {
  it('stores directly when nothing waits', async () => {
    const { writer, store, spool } = await rig();

    const outcome = await writer.write(registrationInput());

    expect(outcome).toBe('stored');
    expect(store.calls).toHaveLength(1);
    expect(spool.size).toBe(0);
  });

  it('spools when DynamoDB fails', async () => {
    const { writer, store, spool } = await rig({ minBackoffMs: 60_000 });
    store.behaviour = 'fail';

    const outcome = await writer.write(registrationInput());

    expect(outcome).toBe('spooled');
    expect(spool.size).toBe(1);
  });

  it('spools past the deadline', async () => {
    const { writer, store, spool } = await rig({ minBackoffMs: 60_000, timeoutMs: 20 });
    store.behaviour = 'hang';

    const outcome = await writer.write(registrationInput());

    expect(outcome).toBe('spooled');
    expect(spool.size).toBe(1);
  });

  it('queues behind spooled writes', async () => {
    const { writer, store } = await rig({ minBackoffMs: 60_000 });
    store.behaviour = 'fail';
    await writer.write(registrationInput());
    store.behaviour = 'ok';
    const later = registrationInput();

    const outcome = await writer.write(later);

    expect(outcome).toBe('spooled');
    expect(store.calls.some((call) => call.input.deviceToken === later.deviceToken)).toBe(
      false,
    );
  });

  it('drops what DynamoDB rejects', async () => {
    const { writer, store, spool } = await rig();
    store.behaviour = 'reject';

    const outcome = await writer.write(registrationInput());

    expect(outcome).toBe('dropped');
    expect(spool.size).toBe(0);
  });
});

describe('SpoolFlusher', () => {
  it('flushes once DynamoDB recovers', async () => {
    const { writer, store, spool } = await rig();
    store.behaviour = 'fail';
    await writer.write(registrationInput());

    store.behaviour = 'ok';
    await waitUntil(() => spool.size === 0);

    expect(store.calls.at(-1)?.input).toEqual(store.calls[0]?.input);
  });

  it('keeps the registration time', async () => {
    const { writer, store, spool } = await rig();
    store.behaviour = 'fail';
    await writer.write(registrationInput());
    const registeredAt = store.calls[0]?.now;

    await new Promise((resolve) => setTimeout(resolve, 30));
    store.behaviour = 'ok';
    await waitUntil(() => spool.size === 0);

    expect(store.calls.at(-1)?.now).toBe(registeredAt);
  });

  it('flushes in write order', async () => {
    const { writer, store, spool, flusher } = await rig({ minBackoffMs: 60_000 });
    store.behaviour = 'fail';
    const inputs = [registrationInput(), registrationInput(), registrationInput()];
    for (const input of inputs) {
      await writer.write(input);
    }
    const before = store.calls.length;

    store.behaviour = 'ok';
    flusher.retryNow();
    await waitUntil(() => spool.size === 0);
    const flushed = store.calls.slice(before).map((call) => call.input.deviceToken);

    expect(flushed).toEqual(inputs.map((input) => input.deviceToken));
  });

  it('waits for an abandoned write', async () => {
    const { writer, store, spool } = await rig({ timeoutMs: 20 });
    store.behaviour = 'hang';
    await writer.write(registrationInput());
    store.behaviour = 'ok';

    await new Promise((resolve) => setTimeout(resolve, 80));
    const callsWhileHanging = store.calls.length;
    store.release();
    await waitUntil(() => spool.size === 0);

    expect(callsWhileHanging).toBe(1);
    expect(store.calls).toHaveLength(2);
  });

  it('retries at once on recovery', async () => {
    const { writer, store, spool, status, flusher } = await rig({ minBackoffMs: 60_000 });
    status.onRecovery(() => flusher.retryNow());
    store.behaviour = 'fail';
    await writer.write(registrationInput());

    store.behaviour = 'ok';
    status.succeeded();
    await waitUntil(() => spool.size === 0);

    expect(spool.size).toBe(0);
  });

  it('drops an expired entry', async () => {
    const { spool, flusher, store, logger } = await rig();
    spool.append(registrationInput(), Date.now() - REGISTRATION_TTL_MS - 1);

    flusher.start();
    await waitUntil(() => spool.size === 0);

    expect(store.calls).toHaveLength(0);
    expect(logger.entries.some((entry) => entry.message.includes('expired'))).toBe(true);
  });

  it('logs a broken spool file', async () => {
    const { spool, flusher, logger } = await rig();
    spool.append(registrationInput(), Date.now());
    spool.close();

    flusher.start();
    await waitUntil(() => logger.entries.some((entry) => entry.level === 'error'));

    expect(logger.entries.at(-1)?.message).toBe('reading the registration spool failed');
  });
});
