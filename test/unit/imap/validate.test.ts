import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseXapplepushservice,
  type RegistrationFields,
  validateRegistrationFields,
} from '../../../shared/imap/index.js';
import { captureXapsError } from './commands.js';

interface DovecotRegisterBody {
  ApsAccountId: string;
  ApsDeviceToken: string;
  ApsSubtopic: string;
  Mailboxes: string[];
}

/** Maps the body that Dovecot's xaps plugin posts to /register onto registration fields. */
function dovecotFields(overrides: RegistrationFields = {}): RegistrationFields {
  const body = JSON.parse(
    readFileSync(
      new URL('../../fixtures/dovecot-register.json', import.meta.url),
      'utf8',
    ),
  ) as DovecotRegisterBody;
  return {
    apsVersion: 2,
    accountId: body.ApsAccountId,
    deviceToken: body.ApsDeviceToken,
    subtopic: body.ApsSubtopic,
    mailboxes: body.Mailboxes,
    ...overrides,
  };
}

function ruleOf(fields: RegistrationFields): string {
  return captureXapsError(() => validateRegistrationFields(fields)).rule;
}

describe('validateRegistrationFields with Dovecot JSON', () => {
  const registration = validateRegistrationFields(dovecotFields());

  it('lower-cases the upper-case token', () => {
    expect(registration.deviceToken).toBe(
      '2918390d5b1c4e7f8a9b0c1d2e3f40516273849506172839a0b1c2d3e4f50617',
    );
  });

  it('keeps the account id', () => {
    expect(registration.accountId).toBe('0715A26B-0000-4000-8000-793000CA982E');
  });

  it('keeps the mailbox names', () => {
    expect(registration.mailboxes).toEqual(['INBOX', 'Sent Messages']);
  });

  it('decodes modified UTF-7 names', () => {
    const decoded = validateRegistrationFields(
      dovecotFields({ mailboxes: ['Entw&APw-rfe'] }),
    );
    expect(decoded.mailboxes).toEqual(['Entwürfe']);
  });

  it('matches the IMAP parser result', () => {
    const fields = dovecotFields();
    const imap = parseXapplepushservice(
      `aps-version 2 aps-account-id ${String(fields.accountId)} ` +
        `aps-device-token ${String(fields.deviceToken)} aps-subtopic com.apple.mobilemail ` +
        'mailboxes (INBOX "Sent Messages")',
    );
    expect(registration).toEqual(imap);
  });

  it('gives the IMAP parser error', () => {
    const fromJson = captureXapsError(() =>
      validateRegistrationFields(dovecotFields({ mailboxes: ['Entw&APw'] })),
    );
    const fromImap = captureXapsError(() =>
      parseXapplepushservice(
        `aps-version 2 aps-account-id A aps-device-token ${'a'.repeat(64)} ` +
          'aps-subtopic com.apple.mobilemail mailboxes (Entw&APw)',
      ),
    );
    expect(fromJson.message).toBe(fromImap.message);
  });
});

describe('validateRegistrationFields JSON types', () => {
  it('accepts version as string', () => {
    expect(
      validateRegistrationFields(dovecotFields({ apsVersion: '2' })).apsVersion,
    ).toBe(2);
  });

  it('accepts version 1 without mailboxes', () => {
    const fields = dovecotFields({ apsVersion: 1, mailboxes: undefined });
    expect(validateRegistrationFields(fields).mailboxes).toEqual(['INBOX']);
  });

  it('rejects a fractional version', () => {
    expect(ruleOf(dovecotFields({ apsVersion: 1.5 }))).toBe('bad-version');
  });

  it('rejects a boolean version', () => {
    expect(ruleOf(dovecotFields({ apsVersion: true }))).toBe('bad-version');
  });

  it('rejects a missing version', () => {
    expect(ruleOf(dovecotFields({ apsVersion: undefined }))).toBe('missing-key');
  });

  it('rejects a numeric account id', () => {
    expect(ruleOf(dovecotFields({ accountId: 42 }))).toBe('bad-account-id');
  });

  it('rejects a null account id', () => {
    expect(ruleOf(dovecotFields({ accountId: null }))).toBe('nil-value');
  });

  it('rejects a numeric device token', () => {
    expect(ruleOf(dovecotFields({ deviceToken: 1234 }))).toBe('bad-device-token');
  });

  it('rejects an object subtopic', () => {
    expect(ruleOf(dovecotFields({ subtopic: {} }))).toBe('bad-subtopic');
  });

  it('rejects mailboxes as string', () => {
    expect(ruleOf(dovecotFields({ mailboxes: 'INBOX' }))).toBe('bad-mailbox-list');
  });

  it('rejects null mailboxes', () => {
    expect(ruleOf(dovecotFields({ mailboxes: null }))).toBe('nil-value');
  });

  it('rejects a numeric mailbox', () => {
    expect(ruleOf(dovecotFields({ mailboxes: ['INBOX', 7] }))).toBe('bad-mailbox');
  });

  it('rejects a lone surrogate name', () => {
    const fields = dovecotFields({ mailboxes: ['a\ud800'] });
    const rule = captureXapsError(() =>
      validateRegistrationFields(fields, { utf8Accept: true }),
    ).rule;
    expect(rule).toBe('bad-mailbox');
  });
});
