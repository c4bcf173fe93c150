import { ConflictError, DependencyUnavailableError, NotFoundError } from '../errors';
import { codedError } from '../testing/fakes';
import { containsPattern, type Db, isUnavailableError, PgSisRepository } from './pg-repository';

type Answer = { rows: object[]; rowCount?: number } | Error;

/** Records the SQL and answers with canned results (or errors), for the pool and its transaction clients. */
function fakeDb(answer: (text: string, values?: unknown[]) => Answer) {
  const calls: Array<{ text: string; values?: unknown[] }> = [];
  const releases: Array<Error | boolean | undefined> = [];
  const query = async <R extends object>(text: string, values?: unknown[]) => {
    calls.push({ text: text.replace(/\s+/g, ' ').trim(), values });
    const result = answer(text, values);
    if (result instanceof Error) throw result;
    return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
  };
  const db: Db = { query, connect: async () => ({ query, release: (err?: Error | boolean) => void releases.push(err) }) };
  return { db, calls, releases };
}

const at = new Date('2026-09-01T08:00:00Z');

describe('PgSisRepository', () => {
  it('lists a page of students with the total, searching with an escaped ILIKE pattern', async () => {
    const { db, calls } = fakeDb((text) =>
      text.includes('count(*)') ? { rows: [{ total: '41' }] } : { rows: [{ id: '12', student_number: 'S-1', name: 'Ada', email: 'ada@example.edu' }] },
    );
    const page = await new PgSisRepository(db).listStudents({ q: '50%_off', page: 3, pageSize: 20 });
    expect(page).toEqual({ items: [{ id: 12, studentNumber: 'S-1', name: 'Ada', email: 'ada@example.edu' }], page: 3, pageSize: 20, total: 41 });
    expect(calls[0].text).toMatch(/WHERE name ILIKE \$1 OR student_number ILIKE \$1 OR email ILIKE \$1 ORDER BY id LIMIT \$2 OFFSET \$3$/);
    expect(calls[0].values).toEqual(['%50\\%\\_off%', 20, 40]);
    expect(calls[1].values).toEqual(['%50\\%\\_off%']);
  });

  it('lists without a filter when q is absent', async () => {
    const { db, calls } = fakeDb((text) => (text.includes('count(*)') ? { rows: [{ total: '0' }] } : { rows: [] }));
    await new PgSisRepository(db).listStudents({ page: 1, pageSize: 20 });
    expect(calls[0].text).toBe('SELECT id, student_number, name, email FROM students ORDER BY id LIMIT $1 OFFSET $2');
    expect(calls[0].values).toEqual([20, 0]);
  });

  it('reads a student with enrollments (int8 as strings, timestamptz as Dates), or nothing', async () => {
    const { db } = fakeDb((text, values) => {
      if (values?.[0] !== 12) return { rows: [] };
      if (text.includes('FROM enrollments')) return { rows: [{ course_id: '3', code: 'CS-101', title: 'Programming', credits: 4, enrolled_at: at }] };
      return { rows: [{ id: '12', student_number: 'S-1', name: 'Ada', email: 'ada@example.edu' }] };
    });
    const repo = new PgSisRepository(db);
    expect(await repo.getStudent(12)).toEqual({
      id: 12,
      studentNumber: 'S-1',
      name: 'Ada',
      email: 'ada@example.edu',
      enrollments: [{ courseId: 3, code: 'CS-101', title: 'Programming', credits: 4, enrolledAt: '2026-09-01T08:00:00.000Z' }],
    });
    expect(await repo.getStudent(13)).toBeUndefined();
  });

  it('turns a unique violation on insert into a duplicate_student_number conflict', async () => {
    const { db } = fakeDb(() => codedError('duplicate key value violates unique constraint "students_student_number_key"', '23505'));
    const err = await new PgSisRepository(db).createStudent({ studentNumber: 'S-1', name: 'Ada', email: 'a@b.c' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ statusCode: 409, code: 'duplicate_student_number' });
  });

  describe('enroll', () => {
    const course = { code: 'CS-101', title: 'Programming', credits: 4, capacity: 2 };
    const answers = (state: { enrolled: string; already: boolean | null }, student = true) => (text: string) => {
      if (text.includes('FROM courses WHERE id = $1 FOR UPDATE')) return { rows: [course] };
      if (text.includes('FROM students')) return { rows: student ? [{ '?column?': 1 }] : [] };
      if (text.includes('bool_or')) return { rows: [state] };
      if (text.startsWith('INSERT')) return { rows: [{ enrolled_at: at }] };
      return { rows: [] };
    };

    it('locks the course, checks, inserts and commits in one transaction', async () => {
      const { db, calls, releases } = fakeDb(answers({ enrolled: '1', already: false }));
      expect(await new PgSisRepository(db).enroll(7, 3)).toEqual({
        studentId: 7,
        courseId: 3,
        code: 'CS-101',
        title: 'Programming',
        credits: 4,
        enrolledAt: '2026-09-01T08:00:00.000Z',
      });
      expect(calls.map((c) => c.text.split(' ').slice(0, 2).join(' '))).toEqual(['BEGIN', 'SELECT code,', 'SELECT 1', 'SELECT count(*)', 'INSERT INTO', 'COMMIT']);
      expect(releases).toEqual([undefined]);
    });

    it('409 already_enrolled, 409 course_full, 404 unknown student: rolled back, connection reused', async () => {
      const repo = (state: { enrolled: string; already: boolean | null }, student = true) => {
        const fake = fakeDb(answers(state, student));
        return { repo: new PgSisRepository(fake.db), ...fake };
      };
      const already = repo({ enrolled: '1', already: true });
      await expect(already.repo.enroll(7, 3)).rejects.toMatchObject({ code: 'already_enrolled' });
      expect(already.calls.at(-1)?.text).toBe('ROLLBACK');
      expect(already.releases).toEqual([undefined]);

      await expect(repo({ enrolled: '2', already: null }).repo.enroll(7, 3)).rejects.toMatchObject({ code: 'course_full' });
      const noStudent = await repo({ enrolled: '0', already: null }, false).repo.enroll(7, 3).catch((e: unknown) => e);
      expect(noStudent).toBeInstanceOf(NotFoundError);
      expect((noStudent as Error).message).toBe('student 7 not found');
    });

    it('404 unknown course', async () => {
      const { db } = fakeDb(() => ({ rows: [] }));
      await expect(new PgSisRepository(db).enroll(7, 3)).rejects.toThrow('course 3 not found');
    });

    it('destroys the connection when even ROLLBACK fails, and reports an outage as unavailable', async () => {
      const { db, releases } = fakeDb((text) => (text === 'BEGIN' ? { rows: [] } : codedError('terminating connection due to administrator command', '57P01')));
      await expect(new PgSisRepository(db).enroll(7, 3)).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect(releases[0]).toBeInstanceOf(Error);
    });
  });

  it('reports whether an unenroll removed a row', async () => {
    const { db } = fakeDb((_text, values) => ({ rows: [], rowCount: values?.[0] === 1 ? 1 : 0 }));
    const repo = new PgSisRepository(db);
    expect(await repo.unenroll(1, 2)).toBe(true);
    expect(await repo.unenroll(2, 2)).toBe(false);
  });

  it('wraps outages in DependencyUnavailableError and lets other errors through', async () => {
    const down = new PgSisRepository(fakeDb(() => codedError('terminating connection due to administrator command', '57P01')).db);
    await expect(down.listCourses({ page: 1, pageSize: 5 })).rejects.toBeInstanceOf(DependencyUnavailableError);
    const broken = new PgSisRepository(fakeDb(() => codedError('relation "courses" does not exist', '42P01')).db);
    await expect(broken.getCourse(1)).rejects.toThrow('relation "courses" does not exist');
    await expect(broken.getCourse(1)).rejects.not.toBeInstanceOf(DependencyUnavailableError);
  });
});

describe('containsPattern', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(containsPattern('a_b%c\\d')).toBe('%a\\_b\\%c\\\\d%');
  });
});

describe('isUnavailableError', () => {
  it.each([
    ['refused', codedError('connect ECONNREFUSED', 'ECONNREFUSED')],
    ['DNS', codedError('getaddrinfo ENOTFOUND router-1', 'ENOTFOUND')],
    ['admin shutdown', codedError('terminating connection', '57P01')],
    ['read-only (demoted leader)', codedError('cannot execute INSERT in a read-only transaction', '25006')],
    ['connection exception class', codedError('connection failure', '08006')],
    ['dropped socket', new Error('Connection terminated unexpectedly')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['dual-stack refusal', new AggregateError([codedError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '')],
  ])('%s → true', (_name, err) => expect(isUnavailableError(err)).toBe(true));

  it.each([
    ['unique violation', codedError('duplicate key', '23505')],
    ['undefined table', codedError('relation does not exist', '42P01')],
    ['not an error', 'boom'],
  ])('%s → false', (_name, err) => expect(isUnavailableError(err)).toBe(false));
});
