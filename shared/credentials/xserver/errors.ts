/** Failure kinds of an XServer certificate request, for callers that branch on them. */
export type XServerErrorCode =
  /** The request options are unusable: no endpoint, an empty Apple ID, a bad serial. */
  | 'invalid-request'
  /** No vendor identity could be loaded from the files the operator named. */
  | 'vendor-identity'
  /** ErrorCode -80010 "ServiceType is Invalid.": Apple no longer serves this route. */
  | 'service-discontinued'
  /** ErrorCode -20358 "Invalid Session". */
  | 'invalid-session'
  /** ErrorCode -80004: the Apple ID or password was rejected. */
  | 'bad-credentials'
  /** Any other non-zero ErrorCode. */
  | 'service-error'
  /** An HTTP status other than 200, or a body that is not a plist (an HTML error page). */
  | 'http-error'
  /** A plist that lacks the certificates, or a certificate that does not fit the request. */
  | 'bad-response'
  | 'connection-refused'
  | 'connection-reset'
  | 'timeout'
  /** The TLS handshake failed: an untrusted or mismatched server certificate. */
  | 'tls'
  /** Any other network failure, such as a host name that does not resolve. */
  | 'network';

/** Facts about the failed exchange that callers may show or branch on. */
export interface XServerErrorDetails {
  /** Response.Status.ErrorCode of the service's response. */
  serviceErrorCode?: number;
  /** HTTP status of the service's response. */
  httpStatus?: number;
  cause?: unknown;
}

/**
 * A failed XServer certificate request or renewal. The message names the endpoint or
 * file and what to do; it never contains the password, its hash or a private key.
 * No failure is retried by the client: each one ends the request.
 */
export class XServerError extends Error {
  override readonly name = 'XServerError';
  readonly serviceErrorCode: number | undefined;
  readonly httpStatus: number | undefined;

  constructor(
    readonly code: XServerErrorCode,
    message: string,
    details: XServerErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.serviceErrorCode = details.serviceErrorCode;
    this.httpStatus = details.httpStatus;
  }
}
