import { DependencyUnavailableError } from '../errors';
import { codedError } from '../testing/fakes';
import { isUnavailableError, PgStudentRepository, type Queryable } from './pg-student-repository';
import { DuplicateStudentNumberError } from './student';

/** Records the SQL and answers with canned results (or errors). */
function fakeDb(answer: (text: string, values?: unknown[]) => { rows: object[]; rowCount?: number } | Error) {
  const calls: Array<{ text: string; values?: unknown[] }> = [];
  const db: Queryable = {
    async query<R extends object>(text: string, values?: unknown[]) {
      calls.push({ text, values });
      const result = answer(text, values);
      if (result instanceof Error) throw result;
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
  };
  return { db, calls };
}

const row = { id: '12', student_number: 'S-1', name: 'Ada', email: 'ada@example.edu', enrolled_at: new Date('2026-09-01T08:00:00Z') };

describe('PgStudentRepository', () => {
  it('maps rows (int8 id as a string, timestamptz as a Date) to students', async () => {
    const { db, calls } = fakeDb(() => ({ rows: [row] }));
    expect(await new PgStudentRepository(db).findById(12)).toEqual({
      id: 12,
      studentNumber: 'S-1',
      name: 'Ada',
      email: 'ada@example.edu',
      enrolledAt: '2026-09-01T08:00:00.000Z',
    });
    expect(calls[0].values).toEqual([12]);
    expect(calls[0].text).toMatch(/FROM students WHERE id = \$1/);
  });

  it('lists ordered by id and finds nothing for an unknown id', async () => {
    const { db, calls } = fakeDb((text) => ({ rows: text.includes('ORDER BY id') ? [row, { ...row, id: '13' }] : [] }));
    const repo = new PgStudentRepository(db);
    expect((await repo.list()).map((s) => s.id)).toEqual([12, 13]);
    expect(calls[0].text).toMatch(/ORDER BY id$/);
    expect(await repo.findById(99)).toBeUndefined();
  });

  it('inserts with parameters and returns the new row', async () => {
    const { db, calls } = fakeDb(() => ({ rows: [row] }));
    const created = await new PgStudentRepository(db).create({ studentNumber: 'S-1', name: 'Ada', email: 'ada@example.edu' });
    expect(created.id).toBe(12);
    expect(calls[0].text).toMatch(/^INSERT INTO students \(student_number, name, email\) VALUES \(\$1, \$2, \$3\) RETURNING/);
    expect(calls[0].values).toEqual(['S-1', 'Ada', 'ada@example.edu']);
  });

  it('turns a unique violation into DuplicateStudentNumberError', async () => {
    const { db } = fakeDb(() => codedError('duplicate key value violates unique constraint "students_student_number_key"', '23505'));
    await expect(new PgStudentRepository(db).create({ studentNumber: 'S-1', name: 'Ada', email: 'a@b.c' })).rejects.toEqual(
      new DuplicateStudentNumberError('S-1'),
    );
  });

  it('reports whether DELETE removed a row', async () => {
    const { db } = fakeDb((_text, values) => ({ rows: [], rowCount: values?.[0] === 1 ? 1 : 0 }));
    const repo = new PgStudentRepository(db);
    expect(await repo.delete(1)).toBe(true);
    expect(await repo.delete(2)).toBe(false);
  });

  it('wraps outages in DependencyUnavailableError and lets other errors through', async () => {
    const down = new PgStudentRepository(fakeDb(() => codedError('terminating connection due to administrator command', '57P01')).db);
    await expect(down.list()).rejects.toBeInstanceOf(DependencyUnavailableError);

    const broken = new PgStudentRepository(fakeDb(() => codedError('relation "students" does not exist', '42P01')).db);
    await expect(broken.list()).rejects.toThrow('relation "students" does not exist');
    await expect(broken.list()).rejects.not.toBeInstanceOf(DependencyUnavailableError);
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
