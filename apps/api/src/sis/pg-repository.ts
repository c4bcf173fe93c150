// SisRepository over node-postgres. Every query goes through the pool, i.e.
// through PGHOST: the HAProxy router, which always points at the leader.
import { ConflictError, DependencyUnavailableError, describeError, NotFoundError } from '../errors';
import type { Course, CourseDetail, Enrollment, NewStudent, Page, PageQuery, Student, StudentDetail, StudentListQuery } from './model';
import type { SisRepository } from './repository';

interface QueryResult<R> {
  rows: R[];
  rowCount: number | null;
}

/** The part of pg's Pool / PoolClient this repository uses (a fake in tests). */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  connect(): Promise<Queryable & { release(err?: Error | boolean): void }>;
}

// SQLSTATEs and socket errors that mean "the database is not there right
// now" (failover, restart, network) rather than "this request is wrong".
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300|25006|40001|40P01)$/; // connection exc., shutdown, too many conns, read-only (demoted leader), retryable txn errors
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

export function isUnavailableError(err: unknown): boolean {
  if (err instanceof AggregateError) return err.errors.some(isUnavailableError);
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_CODES.has(code))) return true;
  // pg's own messages for a dropped or never-made connection.
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error/i.test(err.message);
}

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();
// int8 and count(*) come back as strings; ids and counts stay far below 2^53.
const num = (value: string | number) => Number(value);

/** `q` as an ILIKE pattern matching it anywhere, its own % _ \ taken literally. */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, '\\$&')}%`;

interface StudentRow {
  id: string;
  student_number: string;
  name: string;
  email: string;
}
const toStudent = (r: StudentRow): Student => ({ id: num(r.id), studentNumber: r.student_number, name: r.name, email: r.email });

interface CourseRow {
  id: string;
  code: string;
  title: string;
  credits: number;
  capacity: number;
  enrolled: string;
}
const toCourse = (r: CourseRow): Course => ({
  id: num(r.id),
  code: r.code,
  title: r.title,
  credits: r.credits,
  capacity: r.capacity,
  enrolled: num(r.enrolled),
});

const COURSE_COLUMNS = `c.id, c.code, c.title, c.credits, c.capacity,
  (SELECT count(*) FROM enrollments e WHERE e.course_id = c.id) AS enrolled`;

export class PgSisRepository implements SisRepository {
  constructor(private readonly db: Db) {}

  async listStudents({ q, page, pageSize }: StudentListQuery): Promise<Page<Student>> {
    const where = q === undefined ? '' : `WHERE name ILIKE $1 OR student_number ILIKE $1 OR email ILIKE $1`;
    const filter = q === undefined ? [] : [containsPattern(q)];
    const n = filter.length;
    return this.page(
      { sql: `SELECT id, student_number, name, email FROM students ${where} ORDER BY id LIMIT $${n + 1} OFFSET $${n + 2}`, map: toStudent },
      `SELECT count(*) AS total FROM students ${where}`,
      filter,
      { page, pageSize },
    );
  }

  getStudent(id: number): Promise<StudentDetail | undefined> {
    return this.withChildren(
      `SELECT id, student_number, name, email FROM students WHERE id = $1`,
      `SELECT e.course_id, c.code, c.title, c.credits, e.enrolled_at
         FROM enrollments e JOIN courses c ON c.id = e.course_id
        WHERE e.student_id = $1 ORDER BY c.code, c.id`,
      id,
      (student: StudentRow, rows: Array<{ course_id: string; code: string; title: string; credits: number; enrolled_at: Date }>) => ({
        ...toStudent(student),
        enrollments: rows.map((r) => ({ courseId: num(r.course_id), code: r.code, title: r.title, credits: r.credits, enrolledAt: iso(r.enrolled_at) })),
      }),
    );
  }

  async createStudent(input: NewStudent): Promise<Student> {
    try {
      const { rows } = await this.run<StudentRow>(
        `INSERT INTO students (student_number, name, email) VALUES ($1, $2, $3) RETURNING id, student_number, name, email`,
        [input.studentNumber, input.name, input.email],
      );
      return toStudent(rows[0]);
    } catch (err) {
      if ((err as { code?: unknown }).code === '23505') {
        throw new ConflictError('duplicate_student_number', `a student with studentNumber "${input.studentNumber}" already exists`);
      }
      throw err;
    }
  }

  listCourses(query: PageQuery): Promise<Page<Course>> {
    return this.page(
      { sql: `SELECT ${COURSE_COLUMNS} FROM courses c ORDER BY c.code, c.id LIMIT $1 OFFSET $2`, map: toCourse },
      `SELECT count(*) AS total FROM courses`,
      [],
      query,
    );
  }

  getCourse(id: number): Promise<CourseDetail | undefined> {
    return this.withChildren(
      `SELECT ${COURSE_COLUMNS} FROM courses c WHERE c.id = $1`,
      `SELECT s.id, s.student_number, s.name, e.enrolled_at
         FROM enrollments e JOIN students s ON s.id = e.student_id
        WHERE e.course_id = $1 ORDER BY s.student_number, s.id`,
      id,
      (course: CourseRow, rows: Array<{ id: string; student_number: string; name: string; enrolled_at: Date }>) => ({
        ...toCourse(course),
        students: rows.map((r) => ({ id: num(r.id), studentNumber: r.student_number, name: r.name, enrolledAt: iso(r.enrolled_at) })),
      }),
    );
  }

  /**
   * One transaction: the course row is locked (FOR UPDATE) so concurrent
   * enrollments into one course are serialised and the capacity check counts
   * every committed enrollment.
   */
  async enroll(studentId: number, courseId: number): Promise<Enrollment> {
    return this.transaction(async (tx) => {
      const course = await tx.query<{ code: string; title: string; credits: number; capacity: number }>(
        `SELECT code, title, credits, capacity FROM courses WHERE id = $1 FOR UPDATE`,
        [courseId],
      );
      const c = course.rows[0];
      if (!c) throw new NotFoundError(`course ${courseId} not found`);
      const student = await tx.query(`SELECT 1 FROM students WHERE id = $1 FOR SHARE`, [studentId]);
      if (student.rows.length === 0) throw new NotFoundError(`student ${studentId} not found`);
      const state = await tx.query<{ enrolled: string; already: boolean }>(
        `SELECT count(*) AS enrolled, bool_or(student_id = $2) AS already FROM enrollments WHERE course_id = $1`,
        [courseId, studentId],
      );
      if (state.rows[0]?.already) throw new ConflictError('already_enrolled', `student ${studentId} is already enrolled in course ${courseId}`);
      if (num(state.rows[0]?.enrolled ?? 0) >= c.capacity) {
        throw new ConflictError('course_full', `course ${courseId} (${c.code}) is full: ${c.capacity} of ${c.capacity} places taken`);
      }
      const inserted = await tx.query<{ enrolled_at: Date }>(
        `INSERT INTO enrollments (student_id, course_id) VALUES ($1, $2) RETURNING enrolled_at`,
        [studentId, courseId],
      );
      return { studentId, courseId, code: c.code, title: c.title, credits: c.credits, enrolledAt: iso(inserted.rows[0].enrolled_at) };
    });
  }

  async unenroll(studentId: number, courseId: number): Promise<boolean> {
    const { rowCount } = await this.run(`DELETE FROM enrollments WHERE student_id = $1 AND course_id = $2`, [studentId, courseId]);
    return (rowCount ?? 0) > 0;
  }

  /** One page of rows and the total count, both queries at once (`filter` values come first in both). */
  private async page<R extends object, T>(
    rows: { sql: string; map: (row: R) => T },
    countSql: string,
    filter: unknown[],
    { page, pageSize }: PageQuery,
  ): Promise<Page<T>> {
    const [found, count] = await Promise.all([
      this.run<R>(rows.sql, [...filter, pageSize, (page - 1) * pageSize]),
      this.run<{ total: string }>(countSql, filter),
    ]);
    return { items: found.rows.map(rows.map), page, pageSize, total: num(count.rows[0].total) };
  }

  /** A row by id and its related rows, both queries at once; undefined when the row does not exist. */
  private async withChildren<P extends object, C extends object, T>(
    parentSql: string,
    childrenSql: string,
    id: number,
    build: (parent: P, children: C[]) => T,
  ): Promise<T | undefined> {
    const [parent, children] = await Promise.all([this.run<P>(parentSql, [id]), this.run<C>(childrenSql, [id])]);
    return parent.rows[0] ? build(parent.rows[0], children.rows) : undefined;
  }

  private async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    let client: Awaited<ReturnType<Db['connect']>>;
    try {
      client = await this.db.connect();
    } catch (err) {
      throw this.translate(err);
    }
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (err) {
      // Reused after a clean ROLLBACK (a 404 or 409); destroyed when even that failed.
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(rolledBack ? undefined : err instanceof Error ? err : true);
      throw this.translate(err);
    }
  }

  private translate(err: unknown): unknown {
    return isUnavailableError(err) ? new DependencyUnavailableError('postgres', describeError(err), { cause: err }) : err;
  }

  private async run<R extends object>(text: string, values?: unknown[]) {
    try {
      return await this.db.query<R>(text, values);
    } catch (err) {
      throw this.translate(err);
    }
  }
}
