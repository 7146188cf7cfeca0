import type { PushOutcome, PushRequest, PushSender } from '../apns/types.js';
import { isBlockingRejection } from './credential-block.js';

/**
 * Passes pushes through to a sender and keeps the first reason with which APNs rejected
 * the credential itself (403 BadCertificate, BadCertificateEnvironment, Forbidden,
 * InvalidProviderToken), so the caller can set the credential block.
 */
export class RejectionWatch implements PushSender {
  #rejection: string | undefined;

  constructor(private readonly inner: PushSender) {}

  /** The APNs reason of the first rejection seen, or undefined. */
  get rejection(): string | undefined {
    return this.#rejection;
  }

  async push(request: PushRequest): Promise<PushOutcome> {
    const outcome = await this.inner.push(request);
    if (this.#rejection === undefined && isBlockingRejection(outcome)) {
      this.#rejection =
        outcome.kind === 'credential-rejected' ? outcome.reason : undefined;
    }
    return outcome;
  }

  /** Closes the wrapped sender. */
  close(): Promise<void> {
    return this.inner.close();
  }
}
