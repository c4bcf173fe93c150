import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ApiErrorView } from '../../../components/ApiErrorView';
import { EnrollForm } from '../../../components/EnrollForm';
import { PageFooter } from '../../../components/PageFooter';
import { UnenrollButton } from '../../../components/UnenrollButton';
import { enrollAction, unenrollAction } from '../../../lib/actions';
import { ApiError, type Course, type Page, type StudentDetail } from '../../../lib/api';
import { idParam } from '../../../lib/params';
import { requestApi } from '../../../lib/request-api';

export const metadata: Metadata = { title: 'Student' };

/** Courses offered in the select: the API's first 100, which covers the catalogue. */
const COURSE_CHOICES = 100;

export default async function StudentPage({ params }: { params: Promise<{ id: string }> }) {
  const id = idParam((await params).id);
  if (!id) notFound();
  const api = await requestApi();
  let student: StudentDetail;
  let courses: Page<Course>;
  try {
    [student, courses] = await Promise.all([api.getStudent(id), api.listCourses({ pageSize: COURSE_CHOICES })]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) notFound();
    return <ApiErrorView title="Student" error={error} />;
  }
  const taken = new Set(student.enrollments.map((e) => e.courseId));
  const choices = courses.items
    .filter((c) => !taken.has(c.id))
    .map((c) => ({ id: c.id, label: `${c.code} · ${c.title} (${c.credits} cr)`, full: c.enrolled >= c.capacity }));
  const credits = student.enrollments.reduce((sum, e) => sum + e.credits, 0);
  return (
    <>
      <h1 data-testid="student-name">{student.name}</h1>
      <dl className="facts">
        <dt>Student number</dt>
        <dd className="mono">{student.studentNumber}</dd>
        <dt>Email</dt>
        <dd>{student.email}</dd>
      </dl>
      <h2>
        Enrollments <span className="hint">({student.enrollments.length} courses, {credits} credits)</span>
      </h2>
      {student.enrollments.length === 0 ? (
        <p className="notice">Not enrolled in any course.</p>
      ) : (
        <table data-testid="enrollments">
          <thead>
            <tr>
              <th>Code</th>
              <th>Title</th>
              <th className="num">Credits</th>
              <th>Since</th>
              <th aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {student.enrollments.map((e) => (
              <tr key={e.courseId} data-testid="enrollment-row">
                <td className="mono">{e.code}</td>
                <td>{e.title}</td>
                <td className="num">{e.credits}</td>
                <td>{e.enrolledAt.slice(0, 10)}</td>
                <td>
                  <UnenrollButton action={unenrollAction.bind(null, student.id, e.courseId)} code={e.code} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Enroll in a course</h2>
      <EnrollForm action={enrollAction.bind(null, student.id)} courses={choices} />
      <PageFooter traceId={api.lastTraceId} />
    </>
  );
}
