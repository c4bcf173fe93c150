import type { Metadata } from 'next';
import { ApiErrorView } from '../components/ApiErrorView';
import { PageFooter } from '../components/PageFooter';
import { Pagination } from '../components/Pagination';
import { StudentTable } from '../components/StudentTable';
import type { Page, StudentSummary } from '../lib/api';
import { pageParam, textParam } from '../lib/params';
import { requestApi } from '../lib/request-api';

export const metadata: Metadata = { title: 'Students' };

const PAGE_SIZE = 20;

export default async function StudentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const q = textParam(params.q);
  const page = pageParam(params.page);
  const api = await requestApi();
  let students: Page<StudentSummary>;
  try {
    students = await api.listStudents({ q, page, pageSize: PAGE_SIZE });
  } catch (error) {
    return <ApiErrorView title="Students" error={error} />;
  }
  return (
    <>
      <h1>Students</h1>
      <form className="search" role="search" action="/">
        <input type="search" name="q" defaultValue={q} placeholder="Name, number or email" aria-label="Search students" data-testid="search" />
        <button type="submit">Search</button>
      </form>
      <StudentTable students={students.items} query={q} />
      <Pagination page={students.page} pageSize={students.pageSize} total={students.total} path="/" params={{ q }} noun="students" />
      <PageFooter traceId={api.lastTraceId} />
    </>
  );
}
