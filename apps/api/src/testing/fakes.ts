// In-memory stand-ins for the unit tests, behind the same interfaces the
// PostgreSQL and Redis adapters implement, and a pino logger that records.
import pino from 'pino';
import { ConflictError, NotFoundError } from '../errors';
import type { Cache } from '../sis/cache';
import type { Course, CourseDetail, Enrollment, NewStudent, Page, PageQuery, Student, StudentDetail, StudentListQuery } from '../sis/model';
import type { SisRepository } from '../sis/repository';

interface CourseRow {
  id: number;
  code: string;
  title: string;
  credits: number;
  capacity: number;
}

const page = <T>(all: T[], { page, pageSize }: PageQuery): Page<T> => ({
  items: all.slice((page - 1) * pageSize, page * pageSize),
  page,
  pageSize,
  total: all.length,
});

export class InMemorySisRepository implements SisRepository {
  readonly students = new Map<number, Student>();
  readonly courses = new Map<number, CourseRow>();
  /** "studentId:courseId" → enrolledAt */
  readonly enrollments = new Map<string, string>();
  private nextStudentId = 1;
  private nextCourseId = 1;
  /** When set, every call rejects with it (a database outage). */
  failWith: Error | undefined;
  readonly calls: string[] = [];

  constructor(private readonly clock: () => Date = () => new Date('2026-09-01T08:00:00.000Z')) {}

  addCourse(course: Omit<CourseRow, 'id'>): CourseRow {
    const row = { id: this.nextCourseId++, ...course };
    this.courses.set(row.id, row);
    return row;
  }

  async listStudents(query: StudentListQuery): Promise<Page<Student>> {
    this.enter(`listStudents:${query.q ?? ''}:${query.page}:${query.pageSize}`);
    const q = query.q?.toLowerCase();
    const all = [...this.students.values()]
      .filter((s) => q === undefined || [s.name, s.studentNumber, s.email].some((v) => v.toLowerCase().includes(q)))
      .sort((a, b) => a.id - b.id);
    return page(all, query);
  }

  async getStudent(id: number): Promise<StudentDetail | undefined> {
    this.enter(`getStudent:${id}`);
    const student = this.students.get(id);
    if (!student) return undefined;
    const enrollments = this.joined('student', id, (course, enrolledAt) => ({
      courseId: course.id,
      code: course.code,
      title: course.title,
      credits: course.credits,
      enrolledAt,
    })).sort((a, b) => a.code.localeCompare(b.code));
    return { ...student, enrollments };
  }

  async createStudent(input: NewStudent): Promise<Student> {
    this.enter('createStudent');
    if ([...this.students.values()].some((s) => s.studentNumber === input.studentNumber)) {
      throw new ConflictError('duplicate_student_number', `a student with studentNumber "${input.studentNumber}" already exists`);
    }
    const student = { id: this.nextStudentId++, ...input };
    this.students.set(student.id, student);
    return student;
  }

  async listCourses(query: PageQuery): Promise<Page<Course>> {
    this.enter(`listCourses:${query.page}:${query.pageSize}`);
    const all = [...this.courses.values()].sort((a, b) => a.code.localeCompare(b.code)).map((c) => ({ ...c, enrolled: this.enrolledIn(c.id) }));
    return page(all, query);
  }

  async getCourse(id: number): Promise<CourseDetail | undefined> {
    this.enter(`getCourse:${id}`);
    const course = this.courses.get(id);
    if (!course) return undefined;
    const students = this.joined('course', id, (_course, enrolledAt, s) => ({ id: s.id, studentNumber: s.studentNumber, name: s.name, enrolledAt })).sort(
      (a, b) => a.studentNumber.localeCompare(b.studentNumber),
    );
    return { ...course, enrolled: students.length, students };
  }

  async enroll(studentId: number, courseId: number): Promise<Enrollment> {
    this.enter(`enroll:${studentId}:${courseId}`);
    const course = this.courses.get(courseId);
    if (!course) throw new NotFoundError(`course ${courseId} not found`);
    if (!this.students.has(studentId)) throw new NotFoundError(`student ${studentId} not found`);
    if (this.enrollments.has(`${studentId}:${courseId}`)) {
      throw new ConflictError('already_enrolled', `student ${studentId} is already enrolled in course ${courseId}`);
    }
    if (this.enrolledIn(courseId) >= course.capacity) throw new ConflictError('course_full', `course ${courseId} (${course.code}) is full`);
    const enrolledAt = this.clock().toISOString();
    this.enrollments.set(`${studentId}:${courseId}`, enrolledAt);
    return { studentId, courseId, code: course.code, title: course.title, credits: course.credits, enrolledAt };
  }

  async unenroll(studentId: number, courseId: number): Promise<boolean> {
    this.enter(`unenroll:${studentId}:${courseId}`);
    return this.enrollments.delete(`${studentId}:${courseId}`);
  }

  /** The enrollments of one student or one course, each mapped with its course, date and student. */
  private joined<T>(side: 'student' | 'course', id: number, map: (course: CourseRow, enrolledAt: string, student: Student) => T): T[] {
    return [...this.enrollments]
      .map(([key, enrolledAt]) => ({ ids: key.split(':').map(Number), enrolledAt }))
      .filter(({ ids }) => ids[side === 'student' ? 0 : 1] === id)
      .map(({ ids, enrolledAt }) => map(this.courses.get(ids[1])!, enrolledAt, this.students.get(ids[0])!));
  }

  private enrolledIn(courseId: number): number {
    return [...this.enrollments.keys()].filter((key) => key.endsWith(`:${courseId}`)).length;
  }

  private enter(call: string) {
    this.calls.push(call);
    if (this.failWith) throw this.failWith;
  }
}

/** The Cache over a Map, remembering each entry's TTL; each operation can be made to fail. */
export class InMemoryCache implements Cache {
  readonly entries = new Map<string, string>();
  readonly ttls = new Map<string, number>();
  /** Every command, e.g. "get sis:student:1". */
  readonly commands: string[] = [];
  /** When set, every command rejects with it (Redis down). */
  failWith: Error | undefined;

  async get(key: string) {
    this.enter(`get ${key}`);
    return this.entries.get(key) ?? null;
  }
  async set(key: string, value: string, ttlSeconds: number) {
    this.enter(`set ${key}`);
    this.entries.set(key, value);
    this.ttls.set(key, ttlSeconds);
  }
  async setIfAbsent(key: string, value: string) {
    this.enter(`setnx ${key}`);
    if (this.entries.has(key)) return false;
    this.entries.set(key, value);
    return true;
  }
  async del(keys: string[]) {
    this.enter(`del ${keys.join(' ')}`);
    for (const key of keys) {
      this.entries.delete(key);
      this.ttls.delete(key);
    }
  }
  async incr(key: string) {
    this.enter(`incr ${key}`);
    const next = Number(this.entries.get(key) ?? '0') + 1;
    this.entries.set(key, String(next));
    return next;
  }

  private enter(command: string) {
    this.commands.push(command);
    if (this.failWith) throw this.failWith;
  }
}

export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** A real pino logger (the production options) writing parsed lines into `lines`. */
export class RecordingLogger {
  readonly lines: LogLine[] = [];
  readonly logger = pino(
    { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => void this.lines.push(JSON.parse(line) as LogLine) },
  );
  at(level: string): LogLine[] {
    return this.lines.filter((l) => l.level === level);
  }
}

/** An Error with a `code`, as pg and Node's net module throw them. */
export function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}
