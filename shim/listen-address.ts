import { isIP } from 'node:net';
import { ConfigError } from '../shared/config/env.js';

/** Listen address of the shim's HTTP server. */
export interface ListenAddress {
  /** Host without brackets: 127.0.0.1, ::1, localhost or any address. */
  host: string;
  port: number;
  /** True when only this machine can connect. */
  loopback: boolean;
}

/** Parses host:port, with an IPv6 host in brackets ([::1]:11619). */
export function parseListenAddress(raw: string, name: string): ListenAddress {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(raw);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (match === null || host === undefined || port < 1 || port > 65535) {
    throw new ConfigError(
      name,
      `${name}='${raw}' is invalid: expected host:port such as 127.0.0.1:11619 or [::1]:11619`,
    );
  }
  if (match[1] !== undefined && isIP(host) !== 6) {
    throw new ConfigError(
      name,
      `${name}='${raw}' is invalid: '${host}' is not an IPv6 address`,
    );
  }
  return { host, port, loopback: isLoopback(host) };
}

/** Formats an address the way XAPS_LISTEN takes it. */
export function formatListenAddress(address: { host: string; port: number }): string {
  return isIP(address.host) === 6
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower === '::1' || lower === '0:0:0:0:0:0:0:1') {
    return true;
  }
  if (isIP(lower) === 4) {
    return lower.startsWith('127.');
  }
  return lower.startsWith('::ffff:127.');
}
