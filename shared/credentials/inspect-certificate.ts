import { type KeyObject, X509Certificate } from 'node:crypto';
import type forge from 'node-forge';
import {
  environmentOf,
  type PemOrigin,
  parseLeaf,
  pemBlocks,
  readPrivateKey,
  subjectUid,
} from './certificate-facts.js';
import { CredentialError } from './errors.js';
import { type CertificateSource, readSourceFile } from './load-certificate.js';
import {
  type CredentialProblem,
  type CredentialReport,
  certificateKindOf,
} from './model.js';
import { pkcs12ToPem } from './pkcs12.js';
import { readTopicsExtension } from './topics-extension.js';
import { environmentProblems, topicProblems, validityProblems } from './validate.js';

/** The PEM texts of a certificate credential and where each came from. */
interface CertificateTexts {
  certPem: string;
  keyPem: string;
  origin: PemOrigin;
  keyPassphrase: string | undefined;
}

/**
 * Reads a PEM pair or PKCS#12 file and reports every problem found, rather than stopping
 * at the first: an expired certificate whose key also does not match shows both.
 */
export async function inspectCertificateSource(
  source: CertificateSource,
  nowMs: number,
): Promise<CredentialReport> {
  const files =
    source.format === 'pkcs12'
      ? [source.path]
      : [...new Set([source.certPath, source.keyPath])];
  const report = emptyReport(files);

  let texts: CertificateTexts;
  try {
    texts = await readTexts(source);
  } catch (error) {
    report.problems.push(problemOf(error));
    return report;
  }
  return inspectTexts(texts, nowMs, report);
}

async function readTexts(source: CertificateSource): Promise<CertificateTexts> {
  if (source.format === 'pkcs12') {
    const der = await readSourceFile(source.path, 'PKCS#12 file');
    const origin = `PKCS#12 file '${source.path}'`;
    const pem = pkcs12ToPem(der, source.passphrase, origin);
    return { ...pem, origin: { cert: origin, key: origin }, keyPassphrase: undefined };
  }

  const cert = await readSourceFile(source.certPath, 'certificate file');
  const key = await readSourceFile(source.keyPath, 'key file');
  return {
    certPem: cert.toString('utf8'),
    keyPem: key.toString('utf8'),
    origin: {
      cert: `certificate file '${source.certPath}'`,
      key: `key file '${source.keyPath}'`,
    },
    keyPassphrase: source.keyPassphrase,
  };
}

function inspectTexts(
  texts: CertificateTexts,
  nowMs: number,
  report: CredentialReport,
): CredentialReport {
  const { origin } = texts;
  const leafPem = pemBlocks(texts.certPem, (label) => label === 'CERTIFICATE')[0];
  if (leafPem === undefined) {
    report.problems.push({
      severity: 'error',
      code: 'not-pem',
      message:
        `${origin.cert} contains no PEM certificate (-----BEGIN CERTIFICATE-----): ` +
        'export the push certificate as PEM, or give the .p12 file',
    });
    return report;
  }

  let leaf: forge.pki.Certificate;
  try {
    leaf = parseLeaf(leafPem, origin.cert);
  } catch (error) {
    report.problems.push(problemOf(error));
    return report;
  }

  const topic = attempt(() => subjectUid(leaf, origin.cert), report.problems);
  const kind = certificateKindOf(topic ?? null);
  const environment = environmentOf(leaf);
  const extension = readTopicsExtension(leaf, origin.cert);
  report.kind = kind;
  report.topic = topic ?? null;
  report.notAfter = leaf.validity.notAfter;
  report.environment = environment;
  report.otherTopics = extension.topics.filter((entry) => entry.topic !== topic);

  const problems = report.problems;
  problems.push(...keyProblems(texts, leafPem));
  problems.push(...validityProblems(leaf.validity, nowMs, origin.cert, kind));
  if (topic !== undefined) problems.push(...topicProblems(topic, origin.cert));
  problems.push(...environmentProblems(environment, origin.cert));
  if (extension.problem !== undefined) problems.push(extension.problem);
  return report;
}

function keyProblems(texts: CertificateTexts, leafPem: string): CredentialProblem[] {
  const problems: CredentialProblem[] = [];
  const { origin } = texts;
  const key = attempt<KeyObject>(
    () => readPrivateKey(texts.keyPem, origin.key, texts.keyPassphrase),
    problems,
  );
  if (key === undefined) return problems;

  if (!keyMatches(leafPem, key)) {
    problems.push({
      severity: 'error',
      code: 'key-mismatch',
      message:
        `the private key in ${origin.key} does not belong to the certificate in ` +
        `${origin.cert}: supply the key that the certificate was issued for`,
    });
  }
  return problems;
}

function keyMatches(leafPem: string, key: KeyObject): boolean {
  try {
    return new X509Certificate(leafPem).checkPrivateKey(key);
  } catch {
    // Node throws when the key type cannot go with the certificate's key at all.
    return false;
  }
}

/** Runs `read`; a CredentialError becomes a problem in `problems` and undefined. */
function attempt<T>(read: () => T, problems: CredentialProblem[]): T | undefined {
  try {
    return read();
  } catch (error) {
    problems.push(problemOf(error));
    return undefined;
  }
}

/** Turns a CredentialError into an error-severity problem; rethrows anything else. */
export function problemOf(error: unknown): CredentialProblem {
  if (error instanceof CredentialError) {
    return { severity: 'error', code: error.code, message: error.message };
  }
  throw error;
}

/** Returns a report with nothing read yet. */
export function emptyReport(files: string[]): CredentialReport {
  return {
    files,
    kind: null,
    topic: null,
    otherTopics: [],
    notAfter: null,
    environment: null,
    tokenKey: null,
    problems: [],
  };
}
