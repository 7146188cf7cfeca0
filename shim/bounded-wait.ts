/**
 * Waits for `work` at most `timeoutMs` and returns true when it finished in time, so a
 * close that hangs (an APNs peer that never acknowledges GOAWAY) cannot block a stop.
 */
export async function finishWithin(
  work: Promise<unknown>,
  timeoutMs: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
