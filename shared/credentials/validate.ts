import type { CertificateEnvironment } from './certificate-facts.js';
import type { CredentialProblem } from './model.js';
import type { StoredCredentialKind } from './stored-credential.js';

/** Days before expiry from which a certificate draws a warning. */
export const EXPIRY_WARNING_DAYS = 30;
/** Shortest topic Dovecot 2.3's xaps plugin survives in a /register response, in bytes. */
export const MIN_DOVECOT_23_TOPIC_BYTES = 51;
/** Topic prefixes iOS Mail accepts pushes on. */
export const MAIL_TOPIC_PREFIXES = ['com.apple.mail.', 'com.apple.mobilemail.push.'];
/** Key IDs and Team IDs in Apple's developer portal: 10 upper-case letters or digits. */
export const APPLE_ID_PATTERN = /^[A-Z0-9]{10}$/;

const DAY_MS = 86_400_000;

/** Checks a certificate's validity period against `nowMs`. */
export function validityProblems(
  validity: { notBefore: Date; notAfter: Date },
  nowMs: number,
  origin: string,
  kind: StoredCredentialKind,
): CredentialProblem[] {
  const { notBefore, notAfter } = validity;
  if (notBefore.getTime() > nowMs) {
    return [
      {
        severity: 'error',
        code: 'not-yet-valid',
        message:
          `the certificate in ${origin} is not valid before ${isoDate(notBefore)}: ` +
          "wait until then, or check this machine's clock",
      },
    ];
  }
  if (notAfter.getTime() <= nowMs) {
    return [
      {
        severity: 'error',
        code: 'expired',
        message:
          `the certificate in ${origin} expired on ${isoDate(notAfter)}: ` +
          `APNs rejects it; ${replacementAdvice(kind)}`,
      },
    ];
  }

  const daysLeft = Math.floor((notAfter.getTime() - nowMs) / DAY_MS);
  if (daysLeft >= EXPIRY_WARNING_DAYS) return [];
  return [
    {
      severity: 'warning',
      code: 'expires-soon',
      message:
        `the certificate in ${origin} expires on ${isoDate(notAfter)}, in ${daysLeft} ` +
        `day(s): ${replacementAdvice(kind)} before then`,
    },
  ];
}

/**
 * Rejects a topic with whitespace or control characters: /register copies the topic
 * into the IMAP reply line and APNs reads it from a header, so CR or LF would break both.
 */
export function topicSyntaxProblem(
  topic: string,
  origin: string,
): CredentialProblem | undefined {
  if (!/[\s\p{Cc}]/u.test(topic)) return undefined;
  return {
    severity: 'error',
    code: 'topic-invalid',
    message:
      `topic ${JSON.stringify(topic)} of ${origin} contains a space or control ` +
      'character, which would break the IMAP reply and the APNs request: supply a ' +
      'push certificate whose subject UID is a plain topic such as com.apple.mail.…',
  };
}

/**
 * Checks a push topic: no spaces or control characters, the prefixes iOS Mail
 * accepts, and Dovecot 2.3's length floor.
 */
export function topicProblems(topic: string, origin: string): CredentialProblem[] {
  const syntax = topicSyntaxProblem(topic, origin);
  if (syntax !== undefined) return [syntax];
  const problems: CredentialProblem[] = [];
  if (!MAIL_TOPIC_PREFIXES.some((prefix) => topic.startsWith(prefix))) {
    problems.push({
      severity: 'error',
      code: 'topic-not-mail',
      message:
        `topic '${topic}' of ${origin} starts with neither ` +
        `${MAIL_TOPIC_PREFIXES.join(' nor ')}: iOS Mail accepts pushes only on such ` +
        'topics; use a mail push certificate (XServer) or a mail topic Apple granted you',
    });
  }

  const bytes = Buffer.byteLength(topic);
  if (bytes < MIN_DOVECOT_23_TOPIC_BYTES) {
    problems.push({
      severity: 'warning',
      code: 'topic-too-short',
      message:
        `topic '${topic}' of ${origin} is ${bytes} bytes: Dovecot 2.3's xaps plugin ` +
        `crashes the IMAP process on a topic shorter than ${MIN_DOVECOT_23_TOPIC_BYTES} ` +
        'bytes; with Dovecot 2.3 use the 2.4 plugin or a credential with a longer topic',
    });
  }
  return problems;
}

/** Warns when neither of Apple's environment marker extensions is present. */
export function environmentProblems(
  environment: CertificateEnvironment,
  origin: string,
): CredentialProblem[] {
  if (environment !== 'unknown') return [];
  return [
    {
      severity: 'warning',
      code: 'environment-unknown',
      message:
        `the certificate in ${origin} carries neither Apple's sandbox marker ` +
        '(1.2.840.113635.100.6.3.1) nor its production marker (1.2.840.113635.100.6.3.2): ' +
        'choose the APNs endpoint yourself, and expect BadCertificateEnvironment if wrong',
    },
  ];
}

/** Checks the Key ID, Team ID and topic given for a token key. */
export function tokenIdentifierProblems(
  ids: {
    keyId: string | undefined;
    teamId: string | undefined;
    topic: string | undefined;
  },
  origin: string,
): CredentialProblem[] {
  const problems: CredentialProblem[] = [];
  if (ids.keyId === undefined || !APPLE_ID_PATTERN.test(ids.keyId)) {
    problems.push({
      severity: 'error',
      code: 'key-id-invalid',
      message:
        `${describeId('key id', ids.keyId)} for ${origin}: a Key ID is 10 characters ` +
        "of A-Z and 0-9; copy it from the key's page in Apple's developer portal",
    });
  }
  if (ids.teamId === undefined || !APPLE_ID_PATTERN.test(ids.teamId)) {
    problems.push({
      severity: 'error',
      code: 'team-id-invalid',
      message:
        `${describeId('team id', ids.teamId)} for ${origin}: a Team ID is 10 characters ` +
        "of A-Z and 0-9; copy it from the Membership page of Apple's developer portal",
    });
  }
  if (ids.topic === undefined || ids.topic === '') {
    problems.push({
      severity: 'error',
      code: 'topic-missing',
      message:
        `no topic given for ${origin}: a token key does not name its topic; give the ` +
        'mail push topic Apple granted, e.g. com.apple.mobilemail.push.<reverse-domain>',
    });
    return problems;
  }
  return [...problems, ...topicProblems(ids.topic, origin)];
}

function describeId(name: string, value: string | undefined): string {
  return value === undefined ? `no ${name} given` : `${name} '${value}' is invalid`;
}

function replacementAdvice(kind: StoredCredentialKind): string {
  return kind === 'xserver-certificate'
    ? "renew it through Apple's XServer certificate service if that still answers, " +
        'or import another credential'
    : "create a new push certificate in Apple's developer portal and import it";
}

/** Formats a date as ISO 8601 UTC without milliseconds. */
export function isoDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
