// The student-information slice: students, courses, enrollments. Zod schemas
// are the contract (the web app is written against exactly these shapes):
// Fastify validates requests and serializes responses with them
// (fastify-type-provider-zod), and cache entries are checked against them.
import { z } from 'zod';

/** Path ids: positive integers that fit a JS number exactly. */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, { error: 'must be a positive integer' })
  .transform(Number)
  .pipe(z.number().max(Number.MAX_SAFE_INTEGER, { error: 'is too large' }));

const intQuery = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `${name} must be a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, { error: `${name} must be at least ${min}` }).max(max, { error: `${name} must be at most ${max}` }))
    .optional()
    .transform((v) => v ?? fallback);

export const MAX_PAGE_SIZE = 100;

export const pageQuery = z.object({
  page: intQuery('page', 1, 100_000, 1),
  pageSize: intQuery('pageSize', 1, MAX_PAGE_SIZE, 20),
});

export const studentListQuery = pageQuery.extend({
  /** Case-insensitive substring of the name, the student number or the email. */
  q: z
    .string()
    .trim()
    .max(100, { error: 'q must be at most 100 characters' })
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
});

export type PageQuery = z.output<typeof pageQuery>;
export type StudentListQuery = PageQuery & { q?: string };

export const studentSchema = z.object({
  id: z.number().int().positive(),
  studentNumber: z.string(),
  name: z.string(),
  email: z.string(),
});
export type Student = z.output<typeof studentSchema>;

export const courseSchema = z.object({
  id: z.number().int().positive(),
  code: z.string(),
  title: z.string(),
  credits: z.number().int(),
  capacity: z.number().int(),
  /** Students enrolled now. */
  enrolled: z.number().int(),
});
export type Course = z.output<typeof courseSchema>;

/** ISO 8601, UTC. */
const enrolledAt = z.string();

/** A course as a student's enrollment shows it. */
export const studentEnrollmentSchema = z.object({ courseId: z.number().int().positive(), ...courseSchema.pick({ code: true, title: true, credits: true }).shape, enrolledAt });
export type StudentEnrollment = z.output<typeof studentEnrollmentSchema>;

export const studentDetailSchema = studentSchema.extend({ enrollments: z.array(studentEnrollmentSchema) });
export type StudentDetail = z.output<typeof studentDetailSchema>;

/** A student as a course's list shows them. */
export const courseStudentSchema = studentSchema.pick({ id: true, studentNumber: true, name: true }).extend({ enrolledAt });
export type CourseStudent = z.output<typeof courseStudentSchema>;

export const courseDetailSchema = courseSchema.extend({ students: z.array(courseStudentSchema) });
export type CourseDetail = z.output<typeof courseDetailSchema>;

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
export const studentPageSchema = pageOf(studentSchema);
export const coursePageSchema = pageOf(courseSchema);
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** The enrollment POST /api/students/:id/enrollments creates. */
export const enrollmentSchema = studentEnrollmentSchema.extend({ studentId: z.number().int().positive() });
export type Enrollment = z.output<typeof enrollmentSchema>;

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

/** POST /api/students/:id/enrollments body. */
export const newEnrollmentSchema = z.strictObject({
  courseId: z
    .number({ error: 'courseId is required (a positive integer)' })
    .int({ error: 'courseId must be a positive integer' })
    .positive({ error: 'courseId must be a positive integer' })
    .max(Number.MAX_SAFE_INTEGER),
});
