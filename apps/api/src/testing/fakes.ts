// In-memory stand-ins for the unit tests, behind the same interfaces the
// PostgreSQL and Redis adapters implement.
import type { Logger, LogFields } from '../logger';
import { DuplicateStudentNumberError, type NewStudent, type Student } from '../students/student';
import type { StudentCache } from '../students/student-cache';
import type { StudentRepository } from '../students/student-repository';

export class InMemoryStudentRepository implements StudentRepository {
  private readonly rows = new Map<number, Student>();
  private nextId = 1;
  /** When set, every call rejects with it (a database outage). */
  failWith: Error | undefined;
  readonly calls: string[] = [];

  constructor(private readonly clock: () => Date = () => new Date('2026-09-01T08:00:00.000Z')) {}

  async list(): Promise<Student[]> {
    this.enter('list');
    return [...this.rows.values()].sort((a, b) => a.id - b.id);
  }

  async findById(id: number): Promise<Student | undefined> {
    this.enter(`findById:${id}`);
    return this.rows.get(id);
  }

  async create(input: NewStudent): Promise<Student> {
    this.enter('create');
    if ([...this.rows.values()].some((s) => s.studentNumber === input.studentNumber)) {
      throw new DuplicateStudentNumberError(input.studentNumber);
    }
    const student: Student = { id: this.nextId++, ...input, enrolledAt: this.clock().toISOString() };
    this.rows.set(student.id, student);
    return student;
  }

  async delete(id: number): Promise<boolean> {
    this.enter(`delete:${id}`);
    return this.rows.delete(id);
  }

  private enter(call: string) {
    this.calls.push(call);
    if (this.failWith) throw this.failWith;
  }
}

export class InMemoryStudentCache implements StudentCache {
  readonly entries = new Map<number, Student>();
  failGet: Error | undefined;
  failSet: Error | undefined;
  failDelete: Error | undefined;

  async get(id: number): Promise<Student | undefined> {
    if (this.failGet) throw this.failGet;
    return this.entries.get(id);
  }

  async set(student: Student): Promise<void> {
    if (this.failSet) throw this.failSet;
    this.entries.set(student.id, structuredClone(student));
  }

  async delete(id: number): Promise<void> {
    if (this.failDelete) throw this.failDelete;
    this.entries.delete(id);
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  msg: string;
  fields?: LogFields;
}

/** A Logger that remembers what it was told. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  info(msg: string, fields?: LogFields) {
    this.lines.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields?: LogFields) {
    this.lines.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields?: LogFields) {
    this.lines.push({ level: 'error', msg, fields });
  }
  at(level: LogLine['level']): LogLine[] {
    return this.lines.filter((l) => l.level === level);
  }
}

/** An Error with a `code`, as pg and Node's net module throw them. */
export function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}
