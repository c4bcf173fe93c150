// Mocked API data for component and page tests.
import type { Course, Page, StudentDetail, StudentSummary } from '../lib/api';

export const students: StudentSummary[] = [
  { id: 1, studentNumber: 'S-1001', name: 'Ada Lovelace', email: 'ada@example.edu' },
  { id: 2, studentNumber: 'S-1002', name: 'Alan Turing', email: 'alan@example.edu' },
  { id: 3, studentNumber: 'S-1003', name: 'Grace Hopper', email: 'grace@example.edu' },
];

export const courses: Course[] = [
  { id: 10, code: 'CS101', title: 'Programming I', credits: 4, capacity: 30, enrolled: 12 },
  { id: 11, code: 'MA201', title: 'Linear Algebra', credits: 3, capacity: 2, enrolled: 2 },
  { id: 12, code: 'PH110', title: 'Mechanics', credits: 5, capacity: 40, enrolled: 39 },
];

export const ada: StudentDetail = {
  ...students[0],
  enrollments: [{ courseId: 10, code: 'CS101', title: 'Programming I', credits: 4, enrolledAt: '2026-09-01T08:00:00.000Z' }],
};

export const pageOf = <T>(items: T[], page = 1, pageSize = 20, total = items.length): Page<T> => ({ items, page, pageSize, total });

export const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
