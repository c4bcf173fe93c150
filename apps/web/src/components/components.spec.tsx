import { act, fireEvent, render, screen, within } from '@testing-library/react';
import ErrorPage from '../app/error';
import { ApiError } from '../lib/api';
import type { ActionState } from '../lib/action-state';
import { courses, students, TRACE } from '../testing/fixtures';
import { ApiErrorView } from './ApiErrorView';
import { CourseTable } from './CourseTable';
import { EnrollForm } from './EnrollForm';
import { PageFooter } from './PageFooter';
import { Pagination } from './Pagination';
import { StudentTable } from './StudentTable';
import { UnenrollButton } from './UnenrollButton';

describe('StudentTable', () => {
  it('shows one row per student with a link to the student', () => {
    render(<StudentTable students={students} />);
    const rows = screen.getAllByTestId('student-row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('S-1002')).toBeTruthy();
    expect(within(rows[1]).getByRole('link', { name: 'Alan Turing' }).getAttribute('href')).toBe('/students/2');
    expect(within(rows[1]).getByText('alan@example.edu')).toBeTruthy();
  });

  it('favourites are React state: toggling stars updates the count', () => {
    render(<StudentTable students={students} />);
    expect(screen.getByTestId('favourites-count').textContent).toBe('★ 0 favourites');
    fireEvent.click(screen.getByTestId('favourite-1'));
    fireEvent.click(screen.getByTestId('favourite-3'));
    expect(screen.getByTestId('favourites-count').textContent).toBe('★ 2 favourites');
    expect(screen.getByTestId('favourite-1').getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByTestId('favourite-1'));
    expect(screen.getByTestId('favourites-count').textContent).toBe('★ 1 favourite');
    expect(screen.getByRole('button', { name: 'Remove Grace Hopper from favourites' })).toBeTruthy();
  });

  it('says so when nothing matches the search, or there are no students', () => {
    const { rerender } = render(<StudentTable students={[]} query="zed" />);
    expect(screen.getByTestId('no-students').textContent).toBe('No student matches “zed”.');
    rerender(<StudentTable students={[]} />);
    expect(screen.getByTestId('no-students').textContent).toBe('No students yet.');
  });
});

describe('Pagination', () => {
  it('links to the previous and next pages, keeping the search', () => {
    render(<Pagination page={2} pageSize={20} total={45} path="/" params={{ q: 'ada' }} noun="students" />);
    const nav = screen.getByTestId('pagination');
    expect(nav.textContent).toContain('Page 2 of 3 · 45 students');
    expect(within(nav).getByRole('link', { name: '← Previous' }).getAttribute('href')).toBe('/?q=ada');
    expect(within(nav).getByRole('link', { name: 'Next →' }).getAttribute('href')).toBe('/?q=ada&page=3');
  });

  it('has no link past either end', () => {
    render(<Pagination page={1} pageSize={20} total={0} path="/courses" noun="courses" />);
    const nav = screen.getByTestId('pagination');
    expect(nav.textContent).toContain('Page 1 of 1 · 0 courses');
    expect(within(nav).queryAllByRole('link')).toHaveLength(0);
  });
});

describe('CourseTable', () => {
  it('shows code, title, credits and seats, marking full courses', () => {
    render(<CourseTable courses={courses} />);
    const rows = screen.getAllByTestId('course-row');
    expect(rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent))).toEqual([
      ['CS101', 'Programming I', '4', '12 / 30'],
      ['MA201', 'Linear Algebra', '3', '2 / 2'],
      ['PH110', 'Mechanics', '5', '39 / 40'],
    ]);
    expect(rows[1].querySelector('td:last-child')!.className).toContain('full');
    expect(rows[0].querySelector('td:last-child')!.className).not.toContain('full');
  });
});

describe('EnrollForm', () => {
  const options = [
    { id: 10, label: 'CS101 · Programming I (4 cr)', full: false },
    { id: 11, label: 'MA201 · Linear Algebra (3 cr)', full: true },
  ];

  it('offers the courses, full ones disabled', () => {
    render(<EnrollForm action={jest.fn()} courses={options} />);
    const select = screen.getByTestId('enroll-course') as HTMLSelectElement;
    expect(Array.from(select.options, (o) => [o.value, o.textContent, o.disabled])).toEqual([
      ['', 'Choose a course…', true],
      ['10', 'CS101 · Programming I (4 cr)', false],
      ['11', 'MA201 · Linear Algebra (3 cr) (full)', true],
    ]);
  });

  it('submits the chosen course to the action and shows its answer', async () => {
    const action = jest.fn(async (_previous: ActionState, form: FormData): Promise<ActionState> => ({
      status: 'error',
      message: `course ${String(form.get('courseId'))}: already enrolled`,
      traceId: TRACE,
    }));
    render(<EnrollForm action={action} courses={options} />);
    fireEvent.change(screen.getByTestId('enroll-course'), { target: { value: '10' } });
    await act(async () => {
      fireEvent.submit(screen.getByTestId('enroll-form'));
    });
    expect(action).toHaveBeenCalledTimes(1);
    const message = await screen.findByRole('alert');
    expect(message.textContent).toBe(`course 10: already enrolled (trace ${TRACE})`);
  });

  it('says so when there is nothing left to enroll in', () => {
    render(<EnrollForm action={jest.fn()} courses={[]} />);
    expect(screen.getByText('No other course is offered.')).toBeTruthy();
  });
});

describe('UnenrollButton', () => {
  it('shows an error the action answered', async () => {
    const action = jest.fn(async (): Promise<ActionState> => ({ status: 'error', message: 'The PAWS360 API is not reachable.' }));
    render(<UnenrollButton action={action} code="CS101" />);
    await act(async () => {
      fireEvent.click(screen.getByTestId('unenroll-CS101'));
    });
    expect((await screen.findByRole('alert')).textContent).toBe('The PAWS360 API is not reachable.');
  });
});

describe('errors on the page', () => {
  it('an API error is shown in words, with its trace id in the footer', () => {
    render(<ApiErrorView title="Students" error={new ApiError('The PAWS360 API is temporarily unavailable.', 503, 'unavailable', TRACE, true)} />);
    expect(screen.getByRole('heading', { name: 'Students' })).toBeTruthy();
    expect(screen.getByTestId('api-error').textContent).toContain('The PAWS360 API is temporarily unavailable.');
    expect(screen.getByTestId('trace-id').textContent).toBe(TRACE);
  });

  it('anything else gets a generic message, never its internals', () => {
    render(<ApiErrorView title="Courses" error={new TypeError("Cannot read properties of undefined (reading 'x')")} />);
    expect(screen.getByTestId('api-error').textContent).toContain('Something went wrong on the web server');
    expect(screen.getByTestId('api-error').textContent).not.toContain('undefined');
    expect(screen.getByTestId('trace-id').textContent).toBe('none');
  });

  it('the error boundary (error.tsx) explains, names the digest and retries', () => {
    const retry = jest.fn();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    render(<ErrorPage error={Object.assign(new Error('hidden'), { digest: '12345' })} retry={retry} />);
    expect(screen.getByRole('alert').textContent).toContain('This page could not be shown');
    expect(screen.getByText('Reference: 12345')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('the footer shows the trace id discreetly', () => {
    render(<PageFooter traceId={TRACE} />);
    expect(screen.getByTestId('trace-id').textContent).toBe(TRACE);
  });
});
