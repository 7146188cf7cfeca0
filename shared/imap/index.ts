// The XAPPLEPUSHSERVICE grammar for Node IMAP servers and the shim: tokenizer, parser,
// validation shared with the HTTP API, reply formatter and modified UTF-7 mailbox names.
export {
  describeValue,
  XAPS_RULE_STATUS,
  XapsCommandError,
  type XapsRule,
} from './errors.js';
export { decodeModifiedUtf7, encodeModifiedUtf7 } from './mutf7.js';
export { parseXapplepushservice } from './parser.js';
export { formatXapplepushserviceReply, type XapsReply } from './reply.js';
export {
  asciiLowerCase,
  assertTag,
  formatString,
  type ImapStringOptions,
  isAtomByte,
} from './strings.js';
export { type ImapToken, MAX_LIST_DEPTH, tokenizeArguments } from './tokenizer.js';
export { MAIL_SUBTOPIC, MAX_APS_VERSION, type XapsRegistration } from './types.js';
export {
  MAX_ACCOUNT_ID_LENGTH,
  MAX_DEVICE_TOKEN_HEX,
  MIN_DEVICE_TOKEN_HEX,
  type RegistrationFields,
  type RegistrationOptions,
  validateRegistrationFields,
  XAPS_KEYS,
} from './validate.js';
