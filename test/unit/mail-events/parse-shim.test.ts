import { describe, expect, it } from 'vitest';
import { parseMailEvent } from '../../../shared/mail-events/parse-event.js';
import { createUserMapping } from '../../../shared/users/user-mapping.js';
import { loadFixture, shimMessage, snsEvent } from './fixtures.js';

const users = createUserMapping();

describe('shim mailbox events', () => {
  it('yields the event of the fixture', () => {
    const parsed = parseMailEvent(loadFixture('sns-shim-mailbox-event.json'), users);

    expect(parsed.events).toEqual([
      {
        source: 'shim',
        eventId: '3f6c2a8e-4b1d-4e7a-9c5f-0d2e8b7a6c41',
        user: 'alice@example.com',
        mailbox: 'Entwürfe',
      },
    ]);
    expect(parsed.skipped).toEqual([]);
  });

  it('keeps the username as sent', () => {
    const message = shimMessage({ user: 'Alice+Tag' });
    const parsed = parseMailEvent(snsEvent(message), users);

    expect(parsed.events[0]?.user).toBe('Alice+Tag');
  });

  it('skips a newer format version', () => {
    const parsed = parseMailEvent(snsEvent(shimMessage({ formatVersion: 2 })), users);

    expect(parsed.events).toEqual([]);
    expect(parsed.skipped).toMatchObject([
      { reason: 'unsupported-format-version', snsMessageId: 'sns-message-1' },
    ]);
  });

  it('names every invalid field', () => {
    const message = shimMessage({ user: '', events: 'MessageNew' });
    const parsed = parseMailEvent(snsEvent(message), users);

    expect(parsed.skipped[0]?.reason).toBe('invalid-shim-event');
    expect(parsed.skipped[0]?.detail).toContain('user, events');
  });

  it('skips an event without eventId', () => {
    const message = shimMessage({ eventId: undefined });
    const parsed = parseMailEvent(snsEvent(message), users);

    expect(parsed.skipped[0]?.detail).toContain('eventId');
  });
});
