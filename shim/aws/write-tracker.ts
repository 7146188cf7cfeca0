/**
 * Tracks the registration writes still running, including those whose caller gave up
 * at the deadline. The spool flusher starts a write only after every earlier one has
 * settled, because an abandoned write that lands late must not overwrite a newer one.
 */
export class WriteTracker {
  private readonly running = new Set<Promise<unknown>>();

  /** Returns `work` unchanged after registering it until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return work;
  }

  /** Writes still running. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves once every write tracked so far has settled. */
  async idle(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
