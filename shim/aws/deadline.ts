/** An AWS operation that did not finish within the configured deadline. */
export class DeadlineError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(
      `${what} did not finish within ${timeoutMs} ms (XAPS_AWS_TIMEOUT_MS): check the ` +
        'network path to AWS from this host',
    );
    this.name = 'DeadlineError';
  }
}

/**
 * Waits for `work` at most `timeoutMs`, then rejects with DeadlineError. The work
 * itself goes on: its SDK requests end by their own timeouts, and callers that must
 * not overlap with it await `work` before starting the next write.
 */
export async function withinDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Returns a short, secret-free description of an AWS SDK or network error for logs. */
export function describeAwsError(error: unknown): { errorName: string; reason: string } {
  if (error instanceof Error) {
    return { errorName: error.name, reason: error.message };
  }
  return { errorName: 'unknown', reason: String(error) };
}
