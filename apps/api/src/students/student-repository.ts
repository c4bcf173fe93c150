// Where students live: PostgreSQL in production (PgStudentRepository),
// an in-memory fake in the unit tests (../testing/fakes.ts).
import type { NewStudent, Student } from './student';

export interface StudentRepository {
  /** Every student, ordered by id (enrolment order). */
  list(): Promise<Student[]>;
  findById(id: number): Promise<Student | undefined>;
  /** Throws DuplicateStudentNumberError when the studentNumber is taken. */
  create(input: NewStudent): Promise<Student>;
  /** true when a row was deleted. */
  delete(id: number): Promise<boolean>;
}
