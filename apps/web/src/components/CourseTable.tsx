import type { Course } from '../lib/api';

export function CourseTable({ courses }: { courses: Course[] }) {
  if (courses.length === 0) return <p className="notice">No courses yet.</p>;
  return (
    <table data-testid="courses">
      <thead>
        <tr>
          <th>Code</th>
          <th>Title</th>
          <th className="num">Credits</th>
          <th className="num">Enrolled</th>
        </tr>
      </thead>
      <tbody>
        {courses.map((c) => (
          <tr key={c.id} data-testid="course-row">
            <td className="mono">{c.code}</td>
            <td>{c.title}</td>
            <td className="num">{c.credits}</td>
            <td className={c.enrolled >= c.capacity ? 'num full' : 'num'}>
              {c.enrolled} / {c.capacity}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
