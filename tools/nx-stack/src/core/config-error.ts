import type { z } from 'zod';
import { UserError } from './errors';

/** A config file that does not match its schema: names the file, each field and what was expected. */
export class ConfigError extends UserError {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }

  static fromZod(file: string, error: z.ZodError): ConfigError {
    return new ConfigError(
      file,
      error.issues.flatMap((issue) => {
        // An unknown key is a field of its own: name it (not its parent, whose whole value zod reports as input).
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => `field "${[...issue.path, key].join('.')}": unknown field, not expected here (check its spelling, or remove it)`);
        }
        const field = issue.path.length ? issue.path.join('.') : '(top level)';
        // A custom rule's input is the whole object it checked: quoting it would bury the message.
        const got = issue.code !== 'custom' && 'input' in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : '';
        // A record key's own rule says what was expected; zod's outer message ("Invalid key in record") does not.
        const message = issue.code === 'invalid_key' && issue.issues[0] ? issue.issues[0].message : issue.message;
        return `field "${field}": ${message}${got}`;
      }),
    );
  }
}
