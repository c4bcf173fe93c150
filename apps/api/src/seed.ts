// Deterministic synthetic data for the SIS slice: 300 students, 24 courses,
// 900 enrollments, from a fixed PRNG seed, so every machine gets the same
// rows. Loading is idempotent: upserts on the natural keys (student_number,
// course code, (student, course)), so a second run inserts nothing.

export interface SeedCourse {
  code: string;
  title: string;
  credits: number;
  capacity: number;
}

export interface SeedStudent {
  studentNumber: string;
  name: string;
  email: string;
}

export interface SeedEnrollment {
  studentNumber: string;
  code: string;
  enrolledAt: string;
}

export interface SeedData {
  courses: SeedCourse[];
  students: SeedStudent[];
  enrollments: SeedEnrollment[];
}

export const SEED = 360;

/** mulberry32: a tiny deterministic PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEPARTMENTS: Array<[string, string[]]> = [
  ['CS', ['Introduction to Programming', 'Data Structures', 'Operating Systems']],
  ['MATH', ['Calculus I', 'Linear Algebra', 'Probability']],
  ['PHYS', ['Mechanics', 'Electromagnetism', 'Quantum Physics']],
  ['CHEM', ['General Chemistry', 'Organic Chemistry', 'Physical Chemistry']],
  ['BIO', ['Cell Biology', 'Genetics', 'Ecology']],
  ['ENG', ['Academic Writing', 'British Literature', 'Creative Writing']],
  ['HIST', ['World History', 'Modern Europe', 'History of Science']],
  ['ECON', ['Microeconomics', 'Macroeconomics', 'Econometrics']],
];

const FIRST = [
  'Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Katherine', 'Claude',
  'Margaret', 'Dennis', 'Radia', 'Ken', 'Hedy', 'Tim', 'Shafi', 'Leslie', 'Sophie', 'Niklaus',
  'Joan', 'Vint', 'Lynn', 'Bjarne', 'Anita', 'Guido', 'Mary', 'Linus', 'Adele', 'James',
];
const LAST = [
  'Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'McCarthy', 'Johnson', 'Shannon',
  'Hamilton', 'Ritchie', 'Perlman', 'Thompson', 'Lamarr', 'Berners-Lee', 'Goldwasser', 'Lamport', 'Wilson', 'Wirth',
  'Clarke', 'Cerf', 'Conway', 'Stroustrup', 'Borg', 'van Rossum', 'Keller', 'Torvalds', 'Goldberg', 'Gosling',
];

const TERM_START = Date.UTC(2026, 7, 17, 8, 0, 0); // 2026-08-17 08:00 UTC

export function generateSeedData(options: { students?: number; perStudent?: number; seed?: number } = {}): SeedData {
  const { students: studentCount = 300, perStudent = 3, seed = SEED } = options;
  const random = prng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];

  const courses: SeedCourse[] = DEPARTMENTS.flatMap(([dept, titles]) =>
    titles.map((title, level) => ({
      code: `${dept}-${level + 1}0${1 + Math.floor(random() * 9)}`,
      title,
      credits: pick([3, 3, 4, 4, 5]),
      capacity: 40 + 5 * Math.floor(random() * 5), // 40 to 60
    })),
  );

  const students: SeedStudent[] = Array.from({ length: studentCount }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const number = 10001 + i;
    return {
      studentNumber: `S-${number}`,
      name: `${first} ${last}`,
      email: `${first}.${last}.${number}@paws360.edu`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
    };
  });

  const taken = new Map<string, number>();
  const enrollments: SeedEnrollment[] = [];
  for (const student of students) {
    const mine = new Set<string>();
    for (let tries = 0; mine.size < perStudent && tries < 100; tries++) {
      const course = pick(courses);
      if (mine.has(course.code) || (taken.get(course.code) ?? 0) >= course.capacity) continue;
      mine.add(course.code);
      taken.set(course.code, (taken.get(course.code) ?? 0) + 1);
      const at = new Date(TERM_START + Math.floor(random() * 14 * 24 * 60) * 60_000);
      enrollments.push({ studentNumber: student.studentNumber, code: course.code, enrolledAt: at.toISOString() });
    }
  }
  return { courses, students, enrollments };
}

export interface SeedClient {
  query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

export interface SeedCounts {
  inserted: number;
  updated: number;
}

export interface SeedResult {
  courses: SeedCounts;
  students: SeedCounts;
  enrollments: SeedCounts;
}

// (xmax = 0) is true for a row this statement inserted, false for one it updated.
const counts = (rows: Array<Record<string, unknown>>): SeedCounts => ({
  inserted: rows.filter((r) => r.inserted === true).length,
  updated: rows.filter((r) => r.inserted !== true).length,
});

/** Upserts the data; run it inside a transaction. Enrollments already present are left alone. */
export async function loadSeedData(client: SeedClient, data: SeedData): Promise<SeedResult> {
  const courses = await client.query(
    `INSERT INTO courses (code, title, credits, capacity)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])
     ON CONFLICT (code) DO UPDATE SET title = EXCLUDED.title, credits = EXCLUDED.credits, capacity = EXCLUDED.capacity
       WHERE (courses.title, courses.credits, courses.capacity) IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.credits, EXCLUDED.capacity)
     RETURNING (xmax = 0) AS inserted`,
    [data.courses.map((c) => c.code), data.courses.map((c) => c.title), data.courses.map((c) => c.credits), data.courses.map((c) => c.capacity)],
  );
  const students = await client.query(
    `INSERT INTO students (student_number, name, email)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT (student_number) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email
       WHERE (students.name, students.email) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.email)
     RETURNING (xmax = 0) AS inserted`,
    [data.students.map((s) => s.studentNumber), data.students.map((s) => s.name), data.students.map((s) => s.email)],
  );
  const enrollments = await client.query(
    `INSERT INTO enrollments (student_id, course_id, enrolled_at)
       SELECT s.id, c.id, t.enrolled_at
         FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS t(student_number, code, enrolled_at)
         JOIN students s ON s.student_number = t.student_number
         JOIN courses c ON c.code = t.code
     ON CONFLICT (student_id, course_id) DO NOTHING
     RETURNING true AS inserted`,
    [data.enrollments.map((e) => e.studentNumber), data.enrollments.map((e) => e.code), data.enrollments.map((e) => e.enrolledAt)],
  );
  return { courses: counts(courses.rows), students: counts(students.rows), enrollments: counts(enrollments.rows) };
}
