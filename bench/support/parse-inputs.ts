import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const COMMAND = ' XAPPLEPUSHSERVICE ';

/** Reads the arguments of the XAPPLEPUSHSERVICE command in the iOS fixture. */
export function iosArguments(): string {
  const fixture = fileURLToPath(
    new URL('../../test/fixtures/ios-xapplepushservice.txt', import.meta.url),
  );
  const line = readFileSync(fixture, 'utf8')
    .split('\n')
    .find((text) => text.startsWith('C: ') && text.includes(COMMAND));
  if (line === undefined) {
    throw new Error(
      `${fixture} has no "C: TAG XAPPLEPUSHSERVICE ..." line: restore the fixture`,
    );
  }
  return line.slice(line.indexOf(COMMAND) + COMMAND.length);
}

/**
 * Builds command arguments of about `targetBytes` bytes that use every costly part of
 * the grammar. They have quoted keys in mixed case, a 200-digit token and a literal
 * subtopic. The mailbox list cycles through atoms, quoted names with escapes, literals
 * and modified UTF-7, and an unknown `sender` pair follows it. Returns the arguments
 * and the number of mailboxes in them.
 */
export function worstCaseArguments(targetBytes: number): {
  args: string;
  mailboxes: number;
} {
  const head =
    '"APS-VERSION" 2 Aps-Account-Id "0715A26B-0000-4000-8000-793000CA982E" ' +
    `aps-device-token ${'AB'.repeat(100)} aps-subtopic {20}\r\ncom.apple.mobilemail mailboxes (`;
  const tail = ') sender "bench@example.com"';
  const names: string[] = [];
  let length = head.length + tail.length;

  while (length < targetBytes) {
    const name = mailboxName(names.length);
    names.push(name);
    length += name.length + 1;
  }
  return { args: `${head}${names.join(' ')}${tail}`, mailboxes: names.length };
}

function mailboxName(index: number): string {
  switch (index % 4) {
    case 0:
      return `Archive/${index}`;
    case 1:
      return `"Work \\"Q${index}\\" \\\\ Reports"`;
    case 2: {
      const payload = `Sent Messages ${index}`;
      return `{${Buffer.byteLength(payload)}}\r\n${payload}`;
    }
    default:
      return `Entw&APw-rfe/Projekt-${index}`;
  }
}

/**
 * Parses the arguments the naive way: split on spaces, take words in key/value pairs,
 * strip the parentheses of the mailbox list. It ignores quoting, escapes and literals,
 * so it splits "Sent Messages" in two. It is the baseline for the cost of the grammar.
 */
export function naiveParse(args: string): Record<string, string | string[]> {
  const words = args.trim().split(' ');
  const fields: Record<string, string | string[]> = {};

  for (let i = 0; i < words.length; i += 1) {
    const key = (words[i] ?? '').toLowerCase();
    if (key !== 'mailboxes') {
      fields[key] = words[i + 1] ?? '';
      i += 1;
      continue;
    }
    const mailboxes: string[] = [];
    for (i += 1; i < words.length; i += 1) {
      const word = words[i] ?? '';
      mailboxes.push(word.replace(/^\(/, '').replace(/\)$/, ''));
      if (word.endsWith(')')) break;
    }
    fields.mailboxes = mailboxes;
  }
  return fields;
}
