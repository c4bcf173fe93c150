// StudentRepository over node-postgres. Every query goes through the pool,
// i.e. through PGHOST (the HAProxy router that always points at the leader).
import { DependencyUnavailableError, describeError } from '../errors';
import { DuplicateStudentNumberError, type NewStudent, type Student } from './student';
import type { StudentRepository } from './student-repository';

/** The part of pg's Pool this repository uses (a fake in tests). */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

interface StudentRow {
  id: string | number;
  student_number: string;
  name: string;
  email: string;
  enrolled_at: Date | string;
}

const COLUMNS = 'id, student_number, name, email, enrolled_at';

export function rowToStudent(row: StudentRow): Student {
  const enrolledAt = row.enrolled_at instanceof Date ? row.enrolled_at : new Date(row.enrolled_at);
  return {
    // int8 comes back as a string; ids stay far below 2^53.
    id: Number(row.id),
    studentNumber: row.student_number,
    name: row.name,
    email: row.email,
    enrolledAt: enrolledAt.toISOString(),
  };
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

export class PgStudentRepository implements StudentRepository {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<Student[]> {
    const { rows } = await this.run<StudentRow>(`SELECT ${COLUMNS} FROM students ORDER BY id`);
    return rows.map(rowToStudent);
  }

  async findById(id: number): Promise<Student | undefined> {
    const { rows } = await this.run<StudentRow>(`SELECT ${COLUMNS} FROM students WHERE id = $1`, [id]);
    return rows[0] ? rowToStudent(rows[0]) : undefined;
  }

  async create(input: NewStudent): Promise<Student> {
    try {
      const { rows } = await this.run<StudentRow>(
        `INSERT INTO students (student_number, name, email) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
        [input.studentNumber, input.name, input.email],
      );
      return rowToStudent(rows[0]);
    } catch (err) {
      if ((err as { code?: unknown }).code === '23505') throw new DuplicateStudentNumberError(input.studentNumber);
      throw err;
    }
  }

  async delete(id: number): Promise<boolean> {
    const { rowCount } = await this.run(`DELETE FROM students WHERE id = $1`, [id]);
    return (rowCount ?? 0) > 0;
  }

  private async run<R extends object>(text: string, values?: unknown[]) {
    try {
      return await this.db.query<R>(text, values);
    } catch (err) {
      if (isUnavailableError(err)) throw new DependencyUnavailableError('postgres', describeError(err), { cause: err });
      throw err;
    }
  }
}
