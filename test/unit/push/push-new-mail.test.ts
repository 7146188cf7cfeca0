import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pushNewMail } from '../../../shared/push/push-new-mail.js';
import { openPushFixture, type PushFixture, TOPIC } from './fixture.js';

let fixture: PushFixture;
let user: string;
let deps: PushFixture['deps'];
let sender: PushFixture['sender'];
let logger: PushFixture['logger'];
let store: PushFixture['store'];
let register: PushFixture['register'];

beforeEach(async () => {
  fixture = await openPushFixture();
  ({ user, deps, sender, logger, store, register } = fixture);
});

afterEach(async () => {
  await fixture.cleanup();
});

describe('pushNewMail delivery', () => {
  it('pushes every matching device', async () => {
    const first = await register();
    const second = await register();

    const summary = await pushNewMail({ user, mailbox: 'INBOX' }, deps);

    expect(summary.sent).toBe(2);
    expect(summary.dropped).toEqual([]);
    expect(summary.removed).toBe(0);
    const tokens = sender.requests.map((request) => request.deviceToken).sort();
    expect(tokens).toEqual([first.deviceToken, second.deviceToken].sort());
  });

  it('uses account id and topic', async () => {
    const device = await register({ accountId: 'ACCOUNT-1' });

    await pushNewMail({ user, mailbox: 'INBOX' }, deps);

    expect(sender.requests).toEqual([
      { deviceToken: device.deviceToken, topic: TOPIC, accountId: 'ACCOUNT-1' },
    ]);
  });

  it('reports user without devices', async () => {
    const summary = await pushNewMail({ user, mailbox: 'INBOX' }, deps);

    expect(summary.sent).toBe(0);
    expect(summary.dropped).toEqual([{ reason: 'no-devices', count: 1 }]);
    expect(logger.matching({ reason: 'no-devices', user })).toHaveLength(1);
    expect(sender.requests).toHaveLength(0);
  });
});

describe('pushNewMail mailbox match', () => {
  it('matches INBOX in any case', async () => {
    await register({ mailboxes: ['INBOX'] });

    const summary = await pushNewMail({ user, mailbox: 'Inbox' }, deps);

    expect(summary.sent).toBe(1);
  });

  it('matches other names exactly', async () => {
    await register({ mailboxes: ['INBOX', 'Sent Messages', 'Entwürfe'] });

    const exact = await pushNewMail({ user, mailbox: 'Entwürfe' }, deps);
    const wrongCase = await pushNewMail({ user, mailbox: 'sent messages' }, deps);

    expect(exact.sent).toBe(1);
    expect(wrongCase.sent).toBe(0);
    expect(wrongCase.dropped).toEqual([{ reason: 'mailbox-not-registered', count: 1 }]);
  });

  it('limits version 1 to INBOX', async () => {
    await register({ apsVersion: 1, mailboxes: ['INBOX'] });

    const inbox = await pushNewMail({ user, mailbox: 'INBOX' }, deps);
    const other = await pushNewMail({ user, mailbox: 'Sent Messages' }, deps);

    expect(inbox.sent).toBe(1);
    expect(other.sent).toBe(0);
  });

  it('logs unregistered mailbox drops', async () => {
    const device = await register({ mailboxes: ['INBOX'] });

    await pushNewMail({ user, mailbox: 'Junk' }, deps);

    const lines = logger.matching({ reason: 'mailbox-not-registered', user });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.fields.tokenPrefix).toBe(`${device.deviceToken.slice(0, 8)}…`);
  });
});

describe('pushNewMail topic change', () => {
  it('skips registrations under old topic', async () => {
    await register({ topic: 'com.apple.mail.XServer.old-topic' });
    const current = await register();

    const summary = await pushNewMail({ user, mailbox: 'INBOX' }, deps);

    expect(summary.sent).toBe(1);
    expect(summary.dropped).toEqual([{ reason: 'topic-changed', count: 1 }]);
    expect(sender.requests.map((request) => request.deviceToken)).toEqual([
      current.deviceToken,
    ]);
    expect(logger.matching({ reason: 'topic-changed', user })).toHaveLength(1);
  });

  it('keeps registrations under old topic', async () => {
    await register({ topic: 'com.apple.mail.XServer.old-topic' });

    await pushNewMail({ user, mailbox: 'INBOX' }, deps);

    expect(await store.listByUser(user)).toHaveLength(1);
  });
});
