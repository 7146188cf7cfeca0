import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { type Command, Option } from 'commander';
import {
  renewXServerCertificate,
  requestXServerCertificate,
  type XServerCertificate,
  type XServerNewOptions,
} from '../../shared/credentials/xserver/client.js';
import { resolveXServerEndpoint } from '../../shared/credentials/xserver/endpoint.js';
import { XServerError } from '../../shared/credentials/xserver/errors.js';
import { serialNumberOfCertificate } from '../../shared/credentials/xserver/serial-number.js';
import {
  XSERVER_SERVICES,
  type XServerService,
} from '../../shared/credentials/xserver/services.js';
import { loadVendorIdentities } from '../../shared/credentials/xserver/vendor-identities.js';
import { CliError, type CliIo, createCliLogger } from '../io.js';
import {
  outputPaths,
  printResult,
  topicOf,
  writePair,
  XSERVER_CERT_FILE,
  XSERVER_KEY_FILE,
} from './credential-request-output.js';

interface RequestOptions {
  appleId: string;
  passwordEnv?: string;
  passwordFile?: string;
  vendor: string[];
  endpoint: string;
  renew?: string;
  outDir: string;
  force?: boolean;
  ca?: string;
  hostName?: string;
  extraService?: XServerService[];
  timeout: string;
  json?: boolean;
}

/** Adds `request` to the `credential` command group: the XServer route, opt-in. */
export function addCredentialRequestCommand(credential: Command, io: CliIo): void {
  credential
    .command('request')
    .description(
      "request (or with --renew, renew) an XServer mail push certificate from Apple's " +
        'certificate service or a compatible one. Apple stopped issuing these in late ' +
        '2024 (ErrorCode -80010); see docs/xserver.md',
    )
    .requiredOption('--apple-id <id>', 'Apple ID that requests the certificate')
    .option(
      '--password-env <name>',
      'environment variable that holds the Apple ID password',
    )
    .option('--password-file <path>', 'file that holds the Apple ID password (one line)')
    .requiredOption(
      '--vendor <paths...>',
      "PEM files or directories with the vendor certificate chains and keys of the operator's macOS Server",
    )
    .requiredOption(
      '--endpoint <url>',
      "https URL of the certificate service, or 'apple' for " +
        'https://identity.apple.com/pushcert/caservice',
    )
    .option(
      '--renew <cert.pem>',
      'renew this XServer certificate instead of requesting a new one',
    )
    .requiredOption(
      '--out-dir <dir>',
      `directory for ${XSERVER_CERT_FILE} and ${XSERVER_KEY_FILE}`,
    )
    .option('--force', 'replace existing files in --out-dir')
    .option('--ca <file>', "extra PEM CA file trusted for the service's TLS certificate")
    .option('--host-name <name>', "name shown beside the certificate in Apple's list")
    .addOption(
      new Option(
        '--extra-service <names...>',
        'also request these services, as macOS Server did',
      ).choices(XSERVER_SERVICES.filter((service) => service !== 'mail')),
    )
    .option('--timeout <seconds>', 'time allowed for the request, in seconds', '60')
    .option('--json', 'print JSON for scripts')
    .action(async (options: RequestOptions) => {
      try {
        await runRequest(io, options);
      } catch (error) {
        if (error instanceof XServerError)
          throw new CliError(error.message, { cause: error });
        throw error;
      }
    });
}

async function runRequest(io: CliIo, options: RequestOptions): Promise<void> {
  const password = await readPassword(io, options);
  resolveXServerEndpoint(options.endpoint);
  const timeoutMs = parseTimeout(options.timeout);
  const paths = await outputPaths(options.outDir, options.force === true);
  const vendors = await loadVendorIdentities(options.vendor);

  const clientOptions: XServerNewOptions = {
    endpoint: options.endpoint,
    appleId: options.appleId,
    password,
    vendors,
    timeoutMs,
    logger: createCliLogger(),
    ...(options.hostName === undefined ? {} : { hostName: options.hostName }),
    ...(options.ca === undefined ? {} : { ca: await trustedRoots(options.ca) }),
  };

  let previousTopic: string | undefined;
  let issued: XServerCertificate;
  if (options.renew !== undefined && options.extraService !== undefined) {
    throw new CliError('--extra-service applies to new requests only, not to --renew');
  }
  if (options.renew === undefined) {
    issued = await requestXServerCertificate({
      ...clientOptions,
      extraServices: options.extraService ?? [],
    });
  } else {
    const oldPem = await readText(options.renew, 'certificate to renew');
    const origin = `certificate file '${options.renew}'`;
    previousTopic = topicOf(oldPem);
    const serialNumber = serialNumberOfCertificate(oldPem, origin);
    issued = await renewXServerCertificate({ ...clientOptions, serialNumber });
  }

  await writePair(paths, issued, options.force === true);
  printResult(io, issued, paths, previousTopic, options.json === true);
}

async function readPassword(io: CliIo, options: RequestOptions): Promise<string> {
  if ((options.passwordEnv === undefined) === (options.passwordFile === undefined)) {
    throw new CliError(
      'give the Apple ID password with exactly one of --password-env NAME or ' +
        '--password-file PATH; it is never taken from the command line',
    );
  }
  if (options.passwordEnv !== undefined) {
    const value = io.env[options.passwordEnv];
    if (value === undefined || value === '') {
      throw new CliError(
        `environment variable ${options.passwordEnv} is unset or empty: set it to the ` +
          'Apple ID password',
      );
    }
    return value;
  }

  const text = await readText(options.passwordFile ?? '', 'password file');
  const password = text.replace(/\r?\n$/, '');
  if (password === '') {
    throw new CliError(
      `password file '${options.passwordFile}' is empty: write the Apple ID password into it`,
    );
  }
  return password;
}

function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > 600) {
    throw new CliError(
      `--timeout '${value}' is invalid: expected whole seconds from 1 to 600`,
    );
  }
  return seconds * 1000;
}

// Node replaces its built-in roots when `ca` is given, so the extra file is added to them.
async function trustedRoots(caFile: string): Promise<string[]> {
  const pem = await readText(caFile, 'CA file');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CliError(
      `CA file '${caFile}' contains no PEM certificate: give a PEM CA file`,
    );
  }
  return [...rootCertificates, pem];
}

async function readText(path: string, fileKind: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError(
      `${fileKind} '${path}' could not be read (${code}): check the path`,
    );
  }
}
