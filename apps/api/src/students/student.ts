// The student resource: its JSON shape and the validation of new ones.
import { z } from 'zod';

export interface Student {
  id: number;
  studentNumber: string;
  name: string;
  email: string;
  /** ISO 8601, UTC. */
  enrolledAt: string;
}

/** POST /api/students body. Unknown keys are rejected, so typos surface as 400s. */
export const newStudentSchema = z.strictObject({
  studentNumber: z
    .string({ error: 'studentNumber is required (a string)' })
    .trim()
    .min(1, { error: 'must not be empty', abort: true })
    .max(32, { error: 'must be at most 32 characters' })
    .regex(/^[A-Za-z0-9-]+$/, { error: 'may contain only letters, digits and "-"' }),
  name: z
    .string({ error: 'name is required (a string)' })
    .trim()
    .min(1, { error: 'must not be empty', abort: true })
    .max(200, { error: 'must be at most 200 characters' }),
  email: z
    .string({ error: 'email is required (a string)' })
    .trim()
    .max(254, { error: 'must be at most 254 characters' })
    .pipe(z.email({ error: 'must be a valid email address' })),
});

export type NewStudent = z.output<typeof newStudentSchema>;

/** A Student as stored in the cache: checked on the way out, a stale or foreign entry is a miss. */
export const studentSchema = z.object({
  id: z.number().int().positive(),
  studentNumber: z.string(),
  name: z.string(),
  email: z.string(),
  enrolledAt: z.string(),
});

export class DuplicateStudentNumberError extends Error {
  constructor(readonly studentNumber: string) {
    super(`a student with studentNumber "${studentNumber}" already exists`);
    this.name = 'DuplicateStudentNumberError';
  }
}

/** Path ids: positive integers that fit a JS number exactly (bigserial ids of this size never collide). */
export function parseStudentId(raw: string): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}
