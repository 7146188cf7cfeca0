/**
 * Waits for `work` at most `timeoutMs` and returns true when it finished in time.
 * The pending timer also keeps the event loop alive meanwhile: the APNs client unrefs
 * its idle session, so without it Node could exit mid-close with an unsettled await.
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
