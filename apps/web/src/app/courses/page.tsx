import type { Metadata } from 'next';
import { ApiErrorView } from '../../components/ApiErrorView';
import { CourseTable } from '../../components/CourseTable';
import { PageFooter } from '../../components/PageFooter';
import { Pagination } from '../../components/Pagination';
import type { Course, Page } from '../../lib/api';
import { pageParam } from '../../lib/params';
import { requestApi } from '../../lib/request-api';

export const metadata: Metadata = { title: 'Courses' };

const PAGE_SIZE = 20;

export default async function CoursesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const page = pageParam((await searchParams).page);
  const api = await requestApi();
  let courses: Page<Course>;
  try {
    courses = await api.listCourses({ page, pageSize: PAGE_SIZE });
  } catch (error) {
    return <ApiErrorView title="Courses" error={error} />;
  }
  return (
    <>
      <h1>Courses</h1>
      <CourseTable courses={courses.items} />
      <Pagination page={courses.page} pageSize={courses.pageSize} total={courses.total} path="/courses" noun="courses" />
      <PageFooter traceId={api.lastTraceId} />
    </>
  );
}
