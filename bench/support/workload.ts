import { randomBytes, randomUUID } from 'node:crypto';
import { type PreparedRequest, prepare } from './plugin-client.js';

/** One simulated iPhone or iPad: its token in upper case, as iOS sends it. */
export interface BenchDevice {
  user: string;
  deviceToken: string;
  accountId: string;
}

/** Mailboxes every simulated device registers, raw as the plugin forwards them. */
export const REGISTERED_MAILBOXES = ['INBOX', 'Sent Messages', 'Entw&APw-rfe'];

/** Kinds of notify requests, each with the status the shim returns when all goes well. */
export const NOTIFY_KINDS = {
  'new-mail': 200,
  'sent-append': 200,
  'unregistered-mailbox': 204,
  'unknown-user': 404,
  'flag-change': 204,
} as const satisfies Record<string, number>;

export type NotifyKind = keyof typeof NOTIFY_KINDS;

/** Creates `devicesPerUser` devices for each of `users` users named with `prefix`. */
export function createDevices(
  users: number,
  devicesPerUser: number,
  prefix: string,
): BenchDevice[] {
  const devices: BenchDevice[] = [];
  for (let u = 0; u < users; u += 1) {
    const user = `${prefix}${String(u).padStart(5, '0')}@bench.example`;
    for (let d = 0; d < devicesPerUser; d += 1) {
      devices.push({
        user,
        deviceToken: randomBytes(32).toString('hex').toUpperCase(),
        accountId: randomUUID().toUpperCase(),
      });
    }
  }
  return devices;
}

/** Builds one POST /register per device, with the body Dovecot's xaps plugin 2.3 sends. */
export function registerRequests(devices: readonly BenchDevice[]): PreparedRequest[] {
  return devices.map((device) =>
    prepare(
      '/register',
      {
        ApsAccountId: device.accountId,
        ApsDeviceToken: device.deviceToken,
        ApsSubtopic: 'com.apple.mobilemail',
        Username: device.user,
        Mailboxes: REGISTERED_MAILBOXES,
      },
      'register',
    ),
  );
}

/**
 * Builds `count` POST /notify requests in a fixed pseudo-random order, mixed as mail
 * traffic is. Registered users get 40% new INBOX mail and 5% Sent appends, which push.
 * Pushing nothing are 5% new mail in a mailbox no device registered, 25% new mail for
 * users with no device, and 25% flag and expunge events. The events per action are
 * those Dovecot's xaps plugin 2.3 sends.
 */
export function notifyRequests(
  count: number,
  registeredUsers: readonly string[],
  seed: number,
): PreparedRequest[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T =>
    items[Math.floor(random() * items.length)] as T;
  const requests: PreparedRequest[] = [];

  for (let i = 0; i < count; i += 1) {
    const roll = random();
    const user = pick(registeredUsers);
    let kind: NotifyKind;
    let body: { Username: string; Mailbox: string; Events: string[] };
    if (roll < 0.4) {
      kind = 'new-mail';
      body = { Username: user, Mailbox: 'INBOX', Events: ['MessageNew'] };
    } else if (roll < 0.45) {
      kind = 'sent-append';
      body = { Username: user, Mailbox: 'Sent Messages', Events: ['MessageAppend'] };
    } else if (roll < 0.5) {
      kind = 'unregistered-mailbox';
      body = { Username: user, Mailbox: 'Junk', Events: ['MessageNew'] };
    } else if (roll < 0.75) {
      kind = 'unknown-user';
      const stranger = `nobody${Math.floor(random() * 1e6)}@bench.example`;
      body = { Username: stranger, Mailbox: 'INBOX', Events: ['MessageNew'] };
    } else {
      kind = 'flag-change';
      body = { Username: user, Mailbox: 'INBOX', Events: pick(FLAG_EVENTS) };
    }
    requests.push(prepare('/notify', body, kind));
  }
  return requests;
}

/** Event lists for setting \Seen, setting \Deleted and EXPUNGE, per the xaps plugin 2.3. */
const FLAG_EVENTS: readonly string[][] = [
  ['FlagsClear', 'FlagsSet', 'MessageRead'],
  ['FlagsClear', 'FlagsSet', 'MessageTrash'],
  ['MessageExpunge'],
];

/** A small seeded generator of floats in [0, 1), so every run sends the same mix. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
