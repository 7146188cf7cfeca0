import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMailEvent } from '../../../shared/mail-events/parse-event.js';
import { logSkippedRecords } from '../../../shared/mail-events/parse-result.js';
import { createUserMapping } from '../../../shared/users/user-mapping.js';
import { RecordingLogger } from '../push/doubles.js';
import { loadFixture, snsEvent } from './fixtures.js';

const users = createUserMapping();

describe('messages that are not new mail', () => {
  it('skips a bounce with both ids', () => {
    const parsed = parseMailEvent(loadFixture('sns-ses-bounce.json'), users);

    expect(parsed.events).toEqual([]);
    expect(parsed.skipped).toMatchObject([
      {
        reason: 'ses-not-received',
        snsMessageId: '9b2d7c1e-0000-4000-8000-000000000013',
        sesMessageId: '0100018c1f2e3d4a-b0unce00-0000-4000-8000-000000000021-000000',
      },
    ]);
  });

  it('skips a complaint', () => {
    const parsed = parseMailEvent(loadFixture('sns-ses-complaint.json'), users);

    expect(parsed.events).toEqual([]);
    expect(parsed.skipped[0]?.detail).toContain('Complaint');
  });

  it('skips the validation text', () => {
    const parsed = parseMailEvent(loadFixture('sns-ses-validation.json'), users);

    expect(parsed.events).toEqual([]);
    expect(parsed.skipped).toMatchObject([
      {
        reason: 'ses-topic-validation',
        snsMessageId: '9b2d7c1e-0000-4000-8000-000000000015',
      },
    ]);
  });

  it('skips truncated JSON', () => {
    const parsed = parseMailEvent(loadFixture('sns-malformed-json.json'), users);

    expect(parsed.skipped.map((record) => record.reason)).toEqual(['not-json']);
  });

  it('skips JSON of unknown shape', () => {
    const parsed = parseMailEvent(snsEvent({ hello: 'world' }), users);

    expect(parsed.skipped.map((record) => record.reason)).toEqual(['unknown-message']);
  });

  it('skips a JSON array message', () => {
    const parsed = parseMailEvent(snsEvent('[1,2]'), users);

    expect(parsed.skipped.map((record) => record.reason)).toEqual(['unknown-message']);
  });

  it('skips SES event publishing records', () => {
    const parsed = parseMailEvent(snsEvent({ eventType: 'Delivery', mail: {} }), users);

    expect(parsed.skipped.map((record) => record.reason)).toEqual(['ses-not-received']);
  });

  it('skips a non-notification SNS record', () => {
    const event = { Records: [{ EventSource: 'aws:sns', Sns: { Type: 'Other' } }] };
    const parsed = parseMailEvent(event, users);

    expect(parsed.skipped.map((record) => record.reason)).toEqual(['invalid-sns-record']);
  });
});

describe('events of other sources', () => {
  it('skips an event without Records', () => {
    const parsed = parseMailEvent({ detail: {} }, users);

    expect(parsed.skipped.map((record) => record.reason)).toEqual(['unknown-record']);
  });

  it('skips an SQS record', () => {
    const parsed = parseMailEvent({ Records: [{ eventSource: 'aws:sqs' }] }, users);

    expect(parsed.skipped[0]?.detail).toContain('aws:sqs');
  });

  it('keeps good records of a mixed batch', () => {
    const received = loadFixture('sns-ses-received.json') as { Records: unknown[] };
    const bounce = loadFixture('sns-ses-bounce.json') as { Records: unknown[] };
    const event = { Records: [...bounce.Records, null, ...received.Records] };
    const parsed = parseMailEvent(event, users);

    expect(parsed.events).toHaveLength(1);
    expect(parsed.skipped.map((record) => record.reason)).toEqual([
      'ses-not-received',
      'unknown-record',
    ]);
  });

  it('never throws on arbitrary input', () => {
    const record = fc.oneof(
      fc.anything(),
      fc.record({
        EventSource: fc.constant('aws:sns'),
        Sns: fc.record({
          Type: fc.constant('Notification'),
          Message: fc.oneof(fc.string(), fc.json()),
        }),
      }),
      fc.record({
        eventSource: fc.constant('aws:ses'),
        ses: fc.record({ mail: fc.anything(), receipt: fc.anything() }),
      }),
    );
    fc.assert(
      fc.property(fc.array(record), (records) => {
        const parsed = parseMailEvent({ Records: records }, users);
        expect(Array.isArray(parsed.events)).toBe(true);
      }),
    );
  });
});

describe('logSkippedRecords', () => {
  it('logs expected messages at info', () => {
    const logger = new RecordingLogger();
    const parsed = parseMailEvent(loadFixture('sns-ses-validation.json'), users);
    logSkippedRecords(parsed.skipped, logger);

    expect(logger.entries).toMatchObject([
      { level: 'info', fields: { snsMessageId: '9b2d7c1e-0000-4000-8000-000000000015' } },
    ]);
  });

  it('logs malformed messages at warn', () => {
    const logger = new RecordingLogger();
    const parsed = parseMailEvent(loadFixture('sns-malformed-json.json'), users);
    logSkippedRecords(parsed.skipped, logger);

    expect(logger.entries).toMatchObject([
      { level: 'warn', fields: { reason: 'not-json' } },
    ]);
  });
});
