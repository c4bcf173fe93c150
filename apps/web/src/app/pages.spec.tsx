// The pages (async Server Components) rendered with a mocked API client.
import { render, screen, within } from '@testing-library/react';
import { ApiError, type ApiClient } from '../lib/api';
import { ada, courses, pageOf, students, TRACE } from '../testing/fixtures';

const api = {
  lastTraceId: undefined as string | undefined,
  listStudents: jest.fn(),
  getStudent: jest.fn(),
  listCourses: jest.fn(),
};
jest.mock('../lib/request-api', () => ({ requestApi: async () => api as unknown as ApiClient }));
// Server Actions only run on the server; the pages just pass them on.
jest.mock('../lib/actions', () => ({ enrollAction: jest.fn(), unenrollAction: jest.fn() }));

import CoursesPage from './courses/page';
import StudentsPage from './page';
import StudentPage from './students/[id]/page';

const answered = <T,>(value: T) =>
  jest.fn(async () => {
    api.lastTraceId = TRACE;
    return value;
  });
const failed = (error: ApiError) =>
  jest.fn(async () => {
    api.lastTraceId = error.traceId;
    throw error;
  });
const searchParams = (params: Record<string, string> = {}) => ({ searchParams: Promise.resolve(params) });
const unavailable = new ApiError('The PAWS360 API is temporarily unavailable.', 503, 'unavailable', 'ffffeeeeddddccccbbbbaaaa99998888', true);

beforeEach(() => {
  api.lastTraceId = undefined;
});

describe('/ (students)', () => {
  it('lists the students of the requested page and search, with pagination and the trace id', async () => {
    api.listStudents = answered(pageOf(students, 2, 20, 43));
    render(await StudentsPage(searchParams({ q: ' ada ', page: '2' })));
    expect(api.listStudents).toHaveBeenCalledWith({ q: 'ada', page: 2, pageSize: 20 });
    expect(screen.getAllByTestId('student-row')).toHaveLength(3);
    expect((screen.getByTestId('search') as HTMLInputElement).value).toBe('ada');
    expect(screen.getByTestId('pagination').textContent).toContain('Page 2 of 3 · 43 students');
    expect(screen.getByTestId('trace-id').textContent).toBe(TRACE);
  });

  it('an API failure is a readable message, not a blank page', async () => {
    api.listStudents = failed(unavailable);
    render(await StudentsPage(searchParams()));
    expect(screen.getByTestId('api-error').textContent).toContain('temporarily unavailable');
    expect(screen.getByTestId('trace-id').textContent).toBe(unavailable.traceId);
  });
});

describe('/students/[id]', () => {
  it('shows the student, their enrollments with credits, and offers the other courses', async () => {
    api.getStudent = answered(ada);
    api.listCourses = answered(pageOf(courses));
    render(await StudentPage({ params: Promise.resolve({ id: '1' }) }));
    expect(api.getStudent).toHaveBeenCalledWith(1);
    expect(screen.getByTestId('student-name').textContent).toBe('Ada Lovelace');
    expect(screen.getByText('S-1001')).toBeTruthy();
    const rows = screen.getAllByTestId('enrollment-row');
    expect(rows).toHaveLength(1);
    expect(within(rows[0]).getByText('Programming I')).toBeTruthy();
    expect(within(rows[0]).getByText('2026-09-01')).toBeTruthy();
    expect(within(rows[0]).getByTestId('unenroll-CS101')).toBeTruthy();
    expect(screen.getByText(/1 courses, 4 credits/)).toBeTruthy();
    const offered = Array.from((screen.getByTestId('enroll-course') as HTMLSelectElement).options, (o) => o.textContent);
    expect(offered).toEqual(['Choose a course…', 'MA201 · Linear Algebra (3 cr) (full)', 'PH110 · Mechanics (5 cr)']);
    expect(screen.getByTestId('trace-id').textContent).toBe(TRACE);
  });

  it('a student the API does not know is a 404 page', async () => {
    api.getStudent = failed(new ApiError('No student 9', 404, 'not_found', TRACE, false));
    api.listCourses = answered(pageOf(courses));
    await expect(StudentPage({ params: Promise.resolve({ id: '9' }) })).rejects.toMatchObject({ digest: expect.stringContaining('404') });
  });

  it('an id that is not a positive integer is a 404 without asking the API', async () => {
    api.getStudent = jest.fn();
    await expect(StudentPage({ params: Promise.resolve({ id: 'abc' }) })).rejects.toMatchObject({ digest: expect.stringContaining('404') });
    expect(api.getStudent).not.toHaveBeenCalled();
  });

  it('an API failure is a readable message', async () => {
    api.getStudent = failed(unavailable);
    api.listCourses = answered(pageOf(courses));
    render(await StudentPage({ params: Promise.resolve({ id: '1' }) }));
    expect(screen.getByRole('alert').textContent).toContain('temporarily unavailable');
  });
});

describe('/courses', () => {
  it('lists a page of courses', async () => {
    api.listCourses = answered(pageOf(courses, 1, 20, 3));
    render(await CoursesPage(searchParams({ page: 'x' })));
    expect(api.listCourses).toHaveBeenCalledWith({ page: 1, pageSize: 20 });
    expect(screen.getAllByTestId('course-row')).toHaveLength(3);
    expect(screen.getByTestId('pagination').textContent).toContain('Page 1 of 1 · 3 courses');
  });
});
