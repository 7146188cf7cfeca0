import { X509Certificate } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { XServerCertificate } from '../../shared/credentials/xserver/client.js';
import { CliError, type CliIo, isoTime } from '../io.js';

/** File names of the new PEM pair inside --out-dir. */
export const XSERVER_CERT_FILE = 'xserver-mail.crt.pem';
export const XSERVER_KEY_FILE = 'xserver-mail.key.pem';

export interface OutputPaths {
  certPath: string;
  keyPath: string;
}

/**
 * Checks before the request that the pair can be written, so that an issued
 * certificate is not lost because one of the files already exists.
 */
export async function outputPaths(outDir: string, force: boolean): Promise<OutputPaths> {
  const dir = resolve(outDir);
  const info = await stat(dir).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw new CliError(
      `--out-dir '${outDir}' is not an existing directory: create it first`,
    );
  }
  const paths = {
    certPath: join(dir, XSERVER_CERT_FILE),
    keyPath: join(dir, XSERVER_KEY_FILE),
  };
  for (const path of Object.values(paths)) {
    if (!force && (await stat(path).catch(() => undefined)) !== undefined) {
      throw new CliError(
        `'${path}' already exists: move it away, or add --force to replace it`,
      );
    }
  }
  return paths;
}

/**
 * Writes the key, then the certificate, both with mode 0600.
 * NOTE: a write that fails after the request (a full disk) loses the issued pair.
 */
export async function writePair(
  paths: OutputPaths,
  issued: XServerCertificate,
  force: boolean,
) {
  for (const [path, text] of [
    [paths.keyPath, issued.keyPem],
    [paths.certPath, issued.certPem],
  ] as const) {
    // Removing first lets 'wx' create the file, so mode 0600 applies to a replaced file too.
    if (force) await rm(path, { force: true });
    await writeFile(path, text, { mode: 0o600, flag: 'wx' });
  }
}

/** Returns the subject UID (the topic) of a PEM certificate, or undefined. */
export function topicOf(certPem: string): string | undefined {
  try {
    const subject = new X509Certificate(certPem).subject;
    return /^UID=(.+)$/m.exec(subject)?.[1];
  } catch {
    return undefined;
  }
}

/** Prints the topic, expiry, serial and file paths, as text or JSON. */
export function printResult(
  io: CliIo,
  issued: XServerCertificate,
  paths: OutputPaths,
  previousTopic: string | undefined,
  json: boolean,
): void {
  const result = {
    topic: issued.topic,
    notAfter: isoTime(issued.notAfter.getTime()),
    serialNumber: issued.serialNumber,
    environment: issued.environment,
    ...paths,
    ...(previousTopic === undefined ? {} : { previousTopic }),
  };
  if (json) {
    io.out(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }

  const lines = [
    `topic:       ${result.topic}`,
    `expires:     ${result.notAfter}`,
    `serial:      ${result.serialNumber}`,
    `certificate: ${result.certPath}`,
    `key:         ${result.keyPath} (mode 0600)`,
    'push with it by setting XAPS_APNS_CERT and XAPS_APNS_KEY to these files',
  ];
  if (previousTopic !== undefined && previousTopic !== issued.topic) {
    lines.push(
      `note: the topic changed from ${previousTopic}; devices move to the new one`,
    );
    lines.push('when they next register');
  }
  io.out(`${lines.join('\n')}\n`);
}
