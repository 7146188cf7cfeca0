import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  renewXServerCertificate,
  requestXServerCertificate,
} from '../../shared/credentials/xserver/client.js';
import { passwordHash } from '../../shared/credentials/xserver/request-plist.js';
import {
  startXServerHarness,
  type XServerHarness,
} from '../support/apple-certificate-service-harness.js';

let harness: XServerHarness;

beforeAll(async () => {
  harness = await startXServerHarness();
});

afterAll(async () => {
  await harness.close();
});

/** Creates a silent logger that keeps the arguments of every call as JSON text. */
function recordingLogger() {
  const logger = new Logger({ serviceName: 'xserver-logs-test', logLevel: 'SILENT' });
  const lines: string[] = [];
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
      lines.push(JSON.stringify(args));
    });
  }
  return { logger, text: () => lines.join('\n') };
}

describe('XServer request log lines', () => {
  it('contain no password, hash or key', async () => {
    const { logger, text } = recordingLogger();

    const issued = await requestXServerCertificate({
      ...harness.clientOptions(),
      logger,
    });
    await renewXServerCertificate({
      ...harness.clientOptions(),
      serialNumber: issued.serialNumber,
      logger,
    });

    expect(text()).toContain('XServer certificate issued');
    expect(text()).not.toContain(harness.password);
    expect(text()).not.toContain(passwordHash(harness.password));
    expect(text()).not.toContain('PRIVATE KEY');
  });

  it('contain no endpoint user info', async () => {
    const { logger, text } = recordingLogger();
    const endpoint = new URL(harness.standin.url);
    endpoint.username = 'svc';
    endpoint.password = 'endpoint-secret';

    await requestXServerCertificate({
      ...harness.clientOptions(),
      endpoint: endpoint.href,
      logger,
    });

    expect(text()).toContain('Sending XServer certificate request');
    expect(text()).not.toContain('endpoint-secret');
  });
});
