import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRotationEvent } from '../../../shared/credentials/rotation/run-step.js';

const fixture = JSON.parse(
  readFileSync(
    new URL('../../fixtures/secretsmanager-rotation.json', import.meta.url),
    'utf8',
  ),
) as Record<string, unknown>;

describe('parseRotationEvent', () => {
  it('reads the Secrets Manager event', () => {
    expect(parseRotationEvent(fixture)).toEqual({
      Step: 'createSecret',
      SecretId: fixture.SecretId,
      ClientRequestToken: fixture.ClientRequestToken,
    });
  });

  it.each(['setSecret', 'testSecret', 'finishSecret'])('accepts step %s', (step) => {
    expect(parseRotationEvent({ ...fixture, Step: step }).Step).toBe(step);
  });

  it('names an unknown step', () => {
    expect(() => parseRotationEvent({ ...fixture, Step: 'rotate' })).toThrow(
      /Step "rotate" is invalid: expected one of createSecret, setSecret/,
    );
  });

  it('names a missing token', () => {
    const { ClientRequestToken: _token, ...rest } = fixture;

    expect(() => parseRotationEvent(rest)).toThrow(
      'rotation event ClientRequestToken is missing or empty',
    );
  });

  it('refuses a non-object event', () => {
    expect(() => parseRotationEvent('createSecret')).toThrow(/Step undefined is invalid/);
  });
});
