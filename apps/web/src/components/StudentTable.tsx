import Link from 'next/link';
import type { StudentSummary } from '../lib/api';
import { FavouriteToggle, FavouritesCount, FavouritesProvider } from './Favourites';

export function StudentTable({ students, query }: { students: StudentSummary[]; query?: string }) {
  if (students.length === 0) {
    return (
      <p className="notice" data-testid="no-students">
        {query ? `No student matches “${query}”.` : 'No students yet.'}
      </p>
    );
  }
  return (
    <FavouritesProvider>
      <FavouritesCount />
      <table data-testid="students">
        <thead>
          <tr>
            <th aria-label="favourite" />
            <th>Number</th>
            <th>Name</th>
            <th>Email</th>
          </tr>
        </thead>
        <tbody>
          {students.map((s) => (
            <tr key={s.id} data-testid="student-row">
              <td>
                <FavouriteToggle id={s.id} name={s.name} />
              </td>
              <td className="mono">{s.studentNumber}</td>
              <td>
                <Link href={`/students/${s.id}`} prefetch={false}>
                  {s.name}
                </Link>
              </td>
              <td>{s.email}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </FavouritesProvider>
  );
}
