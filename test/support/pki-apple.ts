import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** Apple-specific parts of the test PKI: the further-topics extension and .p8 token keys. */

/** Apple's extension listing further topics a push certificate may push to. */
export const APPLE_TOPICS_EXTENSION_OID = '1.2.840.113635.100.6.3.6';

/** One topic of the further-topics extension and the usage strings that follow it. */
export interface OtherTopicEntry {
  topic: string;
  usages: string[];
}

/** How a test push certificate carries the further-topics extension, if at all. */
export interface TopicsExtensionOptions {
  otherTopics?: OtherTopicEntry[];
  topicsExtensionDer?: Buffer;
}

/**
 * Builds the further-topics extension: a SEQUENCE in which each UTF8String topic is
 * followed by a SEQUENCE of UTF8String usages, the layout of Apple's push certificates.
 */
export function topicsExtension(options: TopicsExtensionOptions): object[] {
  if (options.topicsExtensionDer !== undefined) {
    const value = options.topicsExtensionDer.toString('binary');
    return [{ id: APPLE_TOPICS_EXTENSION_OID, value }];
  }
  if (options.otherTopics === undefined) return [];

  const { asn1 } = forge;
  const utf8 = (text: string) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, forge.util.encodeUtf8(text));
  const children = options.otherTopics.flatMap((entry) => [
    utf8(entry.topic),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, entry.usages.map(utf8)),
  ]);
  const sequence = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, children);
  return [{ id: APPLE_TOPICS_EXTENSION_OID, value: asn1.toDer(sequence).getBytes() }];
}

/** A P-256 key as Apple issues for provider tokens: the .p8 PKCS#8 PEM and its public key. */
export interface TestTokenKey {
  keyPem: string;
  publicKeyPem: string;
}

/** Generates an EC key on `namedCurve` (default P-256, the curve of Apple's .p8 keys). */
export function generateTokenKey(namedCurve = 'prime256v1'): TestTokenKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
