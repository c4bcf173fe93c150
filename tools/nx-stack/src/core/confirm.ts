import { createInterface } from 'node:readline/promises';
import { UserError } from './errors';

export interface ConfirmIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

/**
 * Asks a yes/no question before something that loses data. `yes` (the
 * command's --yes) answers for the user. Without a terminal to ask on (CI,
 * a pipe) and without --yes it refuses, saying how to go on: never a silent
 * default for a destructive step.
 */
export async function confirm(question: string, yes: boolean, io: ConfirmIo = { input: process.stdin, output: process.stdout }): Promise<boolean> {
  if (yes) return true;
  if (!io.input.isTTY) throw new UserError(`${question} Not asked without a terminal: pass --yes to go ahead.`);
  const rl = createInterface({ input: io.input, output: io.output });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
