// Where the SIS data lives: PostgreSQL in production (PgSisRepository), an
// in-memory fake in the unit tests (../testing/fakes.ts).
import type { Course, CourseDetail, Enrollment, NewStudent, Page, PageQuery, Student, StudentDetail, StudentListQuery } from './model';

export interface SisRepository {
  /** Ordered by id; `q` matches name, student number or email, case-insensitively. */
  listStudents(query: StudentListQuery): Promise<Page<Student>>;
  /** The student with their enrollments (ordered by course code); undefined when unknown. */
  getStudent(id: number): Promise<StudentDetail | undefined>;
  /** Throws ConflictError('duplicate_student_number') when the number is taken. */
  createStudent(input: NewStudent): Promise<Student>;
  /** Ordered by course code. */
  listCourses(query: PageQuery): Promise<Page<Course>>;
  /** The course with its enrolled students (ordered by student number); undefined when unknown. */
  getCourse(id: number): Promise<CourseDetail | undefined>;
  /** NotFoundError for an unknown student or course; ConflictError already_enrolled / course_full. */
  enroll(studentId: number, courseId: number): Promise<Enrollment>;
  /** true when an enrollment was removed. */
  unenroll(studentId: number, courseId: number): Promise<boolean>;
}
