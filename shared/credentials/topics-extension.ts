import forge from 'node-forge';
import type { CredentialProblem, OtherTopic } from './model.js';

/** Apple's push certificate extension that lists further topics the certificate serves. */
export const APPLE_TOPICS_OID = '1.2.840.113635.100.6.3.6';

/** The topics found in the extension, and a problem when part of it could not be read. */
export interface TopicsExtensionContents {
  topics: OtherTopic[];
  problem: CredentialProblem | undefined;
}

interface RawExtension {
  id?: string;
  value?: unknown;
}

const { Class, Type } = forge.asn1;

/**
 * Reads the further-topics extension of `certificate`. Apple encodes it as one SEQUENCE
 * in which each UTF8String topic is followed by a SEQUENCE of UTF8String usages (app,
 * voip, complication, ...). Elements of any other shape are skipped and reported as
 * one warning, so a certificate with a newer layout still loads.
 */
export function readTopicsExtension(
  certificate: forge.pki.Certificate,
  origin: string,
): TopicsExtensionContents {
  const extensions = certificate.extensions as RawExtension[];
  const extension = extensions.find((candidate) => candidate.id === APPLE_TOPICS_OID);
  if (extension === undefined) return { topics: [], problem: undefined };

  const root = parseDer(extension.value);
  if (root === undefined || !isUniversal(root, Type.SEQUENCE)) {
    return { topics: [], problem: undecodable(origin, 'it is not a DER SEQUENCE') };
  }

  const topics: OtherTopic[] = [];
  let skipped = 0;
  let previous: OtherTopic | undefined;
  for (const element of children(root)) {
    const topic = utf8Text(element);
    if (topic !== undefined) {
      previous = { topic, usages: [] };
      topics.push(previous);
      continue;
    }
    const usages = usageList(element);
    if (previous !== undefined && usages !== undefined) {
      previous.usages.push(...usages);
      previous = undefined;
      continue;
    }
    skipped += 1;
  }

  if (skipped === 0) return { topics, problem: undefined };
  return {
    topics,
    problem: undecodable(
      origin,
      `${skipped} element(s) are neither a topic nor its usages`,
    ),
  };
}

function parseDer(value: unknown): forge.asn1.Asn1 | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    // Strict parsing that fails on trailing bytes as well as on bad lengths.
    return forge.asn1.fromDer(value, true);
  } catch {
    return undefined;
  }
}

function isUniversal(node: forge.asn1.Asn1, type: number): boolean {
  return node.tagClass === Class.UNIVERSAL && node.type === type;
}

function children(node: forge.asn1.Asn1): forge.asn1.Asn1[] {
  return Array.isArray(node.value) ? node.value : [];
}

/** Returns the text of a UTF8String, or undefined for any other node or invalid UTF-8. */
function utf8Text(node: forge.asn1.Asn1): string | undefined {
  if (!isUniversal(node, Type.UTF8) || typeof node.value !== 'string') return undefined;
  try {
    return forge.util.decodeUtf8(node.value);
  } catch {
    return undefined;
  }
}

/** Returns the strings of a SEQUENCE of UTF8Strings, or undefined for any other shape. */
function usageList(node: forge.asn1.Asn1): string[] | undefined {
  if (!isUniversal(node, Type.SEQUENCE)) return undefined;
  const usages: string[] = [];
  for (const child of children(node)) {
    const text = utf8Text(child);
    if (text === undefined) return undefined;
    usages.push(text);
  }
  return usages;
}

function undecodable(origin: string, detail: string): CredentialProblem {
  return {
    severity: 'warning',
    code: 'other-topics-undecodable',
    message:
      `the further-topics extension (${APPLE_TOPICS_OID}) of the certificate in ${origin} ` +
      `could not be fully decoded (${detail}): the topics listed are those that could be ` +
      'read; the subject UID topic is unaffected',
  };
}
