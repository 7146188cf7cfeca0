import type { PushOutcome, PushRequest, PushSender } from '../../../shared/apns/types.js';
import type { PushLogger } from '../../../shared/push/types.js';

/** One captured log call. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps every call, for assertions on what was logged. */
export class RecordingLogger implements PushLogger {
  readonly entries: LogEntry[] = [];

  debug(message: unknown, ...extra: unknown[]): void {
    this.add('debug', message, extra);
  }
  info(message: unknown, ...extra: unknown[]): void {
    this.add('info', message, extra);
  }
  warn(message: unknown, ...extra: unknown[]): void {
    this.add('warn', message, extra);
  }
  error(message: unknown, ...extra: unknown[]): void {
    this.add('error', message, extra);
  }

  /** Returns the entries whose fields include every given field. */
  matching(fields: Record<string, unknown>): LogEntry[] {
    return this.entries.filter((entry) =>
      Object.entries(fields).every(([key, value]) => entry.fields[key] === value),
    );
  }

  /** Returns every entry as one JSON text, for checks that no secret appears anywhere. */
  text(): string {
    return JSON.stringify(this.entries);
  }

  private add(level: LogEntry['level'], message: unknown, extra: unknown[]): void {
    const fields: Record<string, unknown> = {};
    for (const item of extra) {
      if (typeof item === 'object' && item !== null) {
        Object.assign(fields, item);
      }
    }
    this.entries.push({ level, message: String(message), fields });
  }
}

type Script =
  | PushOutcome
  | ((request: PushRequest) => PushOutcome | Promise<PushOutcome>);

/**
 * A PushSender that responds from a script per device token: one outcome for
 * every push, or a list consumed one push at a time (the last one repeats).
 */
export class ScriptedSender implements PushSender {
  readonly requests: PushRequest[] = [];
  private readonly scripts = new Map<string, Script[]>();
  closed = false;

  respondWith(deviceToken: string, ...outcomes: Script[]): this {
    this.scripts.set(deviceToken, outcomes);
    return this;
  }

  async push(request: PushRequest): Promise<PushOutcome> {
    this.requests.push(request);
    const script = this.scripts.get(request.deviceToken) ?? [];
    const next = script.length > 1 ? script.shift() : script[0];
    if (next === undefined) {
      return { kind: 'delivered', status: 200, apnsId: `id-${this.requests.length}` };
    }
    return typeof next === 'function' ? next(request) : next;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
