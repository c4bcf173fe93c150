import { generateSeedData, loadSeedData, prng } from './seed';

describe('seed data', () => {
  const data = generateSeedData();

  it('is a few hundred rows: 300 students, 24 courses, 900 enrollments', () => {
    expect(data.students).toHaveLength(300);
    expect(data.courses).toHaveLength(24);
    expect(data.enrollments).toHaveLength(900);
  });

  it('is deterministic (fixed PRNG seed) and different for another seed', () => {
    expect(generateSeedData()).toEqual(data);
    expect(generateSeedData({ seed: 1 })).not.toEqual(data);
    const a = prng(7);
    const b = prng(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('has unique natural keys, valid student fields and no course over capacity', () => {
    expect(new Set(data.students.map((s) => s.studentNumber)).size).toBe(300);
    expect(new Set(data.courses.map((c) => c.code)).size).toBe(24);
    expect(new Set(data.enrollments.map((e) => `${e.studentNumber} ${e.code}`)).size).toBe(900);
    for (const s of data.students) {
      expect(s.studentNumber).toMatch(/^[A-Za-z0-9-]{1,32}$/);
      expect(s.email).toMatch(/^[a-z0-9.-]+@paws360\.edu$/);
    }
    for (const c of data.courses) {
      expect(data.enrollments.filter((e) => e.code === c.code).length).toBeLessThanOrEqual(c.capacity);
    }
  });

  it('loads with three set-based upserts on the natural keys and counts what was new', async () => {
    const sql: string[] = [];
    const result = await loadSeedData(
      {
        async query(text: string, values?: unknown[]) {
          sql.push(text.replace(/\s+/g, ' '));
          const n = (values?.[0] as unknown[]).length;
          return { rows: Array.from({ length: n }, (_, i) => ({ inserted: i % 2 === 0 })) };
        },
      },
      data,
    );
    expect(sql[0]).toMatch(/^INSERT INTO courses .* ON CONFLICT \(code\) DO UPDATE/);
    expect(sql[1]).toMatch(/^INSERT INTO students .* ON CONFLICT \(student_number\) DO UPDATE/);
    expect(sql[2]).toMatch(/^INSERT INTO enrollments .* ON CONFLICT \(student_id, course_id\) DO NOTHING/);
    expect(result.courses).toEqual({ inserted: 12, updated: 12 });
    expect(result.students).toEqual({ inserted: 150, updated: 150 });
  });
});
