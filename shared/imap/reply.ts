import { encodeModifiedUtf7 } from './mutf7.js';
import { assertTag, formatString } from './strings.js';
import { MAX_APS_VERSION } from './types.js';

/** Contents of a successful XAPPLEPUSHSERVICE reply. */
export interface XapsReply {
  /** The aps-version the client sent; the reply carries min(this, MAX_APS_VERSION). */
  clientVersion: number;
  /** The APNs topic, exactly the apns-topic that pushes to this device will use. */
  topic: string;
  /** Mailbox names in UTF-8 that the server confirms it will push for. */
  mailboxes?: readonly string[];
  /** True when the client enabled UTF8=ACCEPT, so names go out as UTF-8. */
  utf8Accept?: boolean;
}

/**
 * Formats the successful response to `TAG XAPPLEPUSHSERVICE ...`: one
 * `* XAPPLEPUSHSERVICE "mailbox" <name>` line per confirmed mailbox, then
 * `* XAPPLEPUSHSERVICE aps-version "<v>" aps-topic "<topic>"`, then
 * `TAG OK XAPPLEPUSHSERVICE completed.`, each ending in CRLF. Names are encoded to
 * modified UTF-7 unless UTF8=ACCEPT is on, and go out as literals when a quoted string
 * cannot carry them, so write the result as UTF-8. Throws a RangeError for an invalid
 * tag, client version or empty topic, which are server-side mistakes.
 */
export function formatXapplepushserviceReply(tag: string, reply: XapsReply): string {
  assertTag(tag);
  if (!Number.isSafeInteger(reply.clientVersion) || reply.clientVersion < 1) {
    throw new RangeError(
      `clientVersion ${reply.clientVersion} is invalid: pass the client's aps-version`,
    );
  }
  if (reply.topic === '') {
    throw new RangeError('topic is empty: pass the APNs topic the pushes will use');
  }

  const stringOptions = { utf8Accept: reply.utf8Accept === true };
  const lines: string[] = [];
  for (const name of reply.mailboxes ?? []) {
    const wireName = stringOptions.utf8Accept ? name : encodeModifiedUtf7(name);
    lines.push(`* XAPPLEPUSHSERVICE "mailbox" ${formatString(wireName, stringOptions)}`);
  }

  // iOS accepts any reply version from 1 up to the one it sent, never a higher one.
  const version = Math.min(reply.clientVersion, MAX_APS_VERSION);
  const topic = formatString(reply.topic, stringOptions);
  lines.push(`* XAPPLEPUSHSERVICE aps-version "${version}" aps-topic ${topic}`);
  lines.push(`${tag} OK XAPPLEPUSHSERVICE completed.`);
  return lines.map((line) => `${line}\r\n`).join('');
}
