import type { z } from 'zod';

/** A config file that does not match its schema: names the file, each field and what was expected. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }

  static fromZod(file: string, error: z.ZodError): ConfigError {
    return new ConfigError(
      file,
      error.issues.map((issue) => {
        const field = issue.path.length ? issue.path.join('.') : '(top level)';
        const got = 'input' in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : '';
        return `field "${field}": ${issue.message}${got}`;
      }),
    );
  }
}
