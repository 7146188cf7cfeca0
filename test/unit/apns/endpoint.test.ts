import { describe, expect, it } from 'vitest';
import { resolveApnsOrigin } from '../../../shared/apns/endpoint.js';
import { APNS_PRODUCTION, APNS_SANDBOX } from '../../../shared/apns/types.js';

describe('resolveApnsOrigin', () => {
  it('maps production to Apple host', () => {
    expect(resolveApnsOrigin('production')).toBe(APNS_PRODUCTION);
  });

  it('maps sandbox to Apple host', () => {
    expect(resolveApnsOrigin('sandbox')).toBe(APNS_SANDBOX);
  });

  it('ignores the letter case of names', () => {
    expect(resolveApnsOrigin('Production')).toBe(APNS_PRODUCTION);
    expect(resolveApnsOrigin('SANDBOX')).toBe(APNS_SANDBOX);
  });

  it('accepts a loopback https origin', () => {
    expect(resolveApnsOrigin('https://127.0.0.1:8443')).toBe('https://127.0.0.1:8443');
  });

  it('accepts a trailing slash', () => {
    expect(resolveApnsOrigin('https://[::1]:8443/')).toBe('https://[::1]:8443');
  });

  it.each([
    ['http://127.0.0.1:8443', /HTTP\/2 over TLS only/],
    ['https://127.0.0.1:8443/3/device', /origin only/],
    ['https://127.0.0.1:8443?x=1', /origin only/],
    ['https://user:pw@127.0.0.1', /origin only/],
    ['', /not a URL/],
  ])('rejects %j', (endpoint, message) => {
    expect(() => resolveApnsOrigin(endpoint)).toThrow(message);
  });

  it('names the accepted forms', () => {
    expect(() => resolveApnsOrigin('prod')).toThrow(/'production', 'sandbox'/);
  });
});
