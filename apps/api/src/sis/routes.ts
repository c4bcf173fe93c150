// The SIS endpoints under /api. Fastify validates params, query strings and
// bodies against the zod schemas (400 on failure, shaped by app.ts's error
// handler) and serializes the 2xx answers through them.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  courseDetailSchema,
  coursePageSchema,
  enrollmentSchema,
  idParam,
  newEnrollmentSchema,
  newStudentSchema,
  pageQuery,
  studentDetailSchema,
  studentListQuery,
  studentPageSchema,
  studentSchema,
} from './model';
import type { Cached, SisService } from './service';

const byId = z.object({ id: idParam });

/** A cached read's answer: its value, and whether Redis had it in `x-cache`. */
function cached<T>(reply: { header(name: string, value: string): unknown }, { value, cache }: Cached<T>): T {
  reply.header('x-cache', cache);
  return value;
}

export const sisRoutes =
  (sis: SisService): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/api/students', { schema: { querystring: studentListQuery, response: { 200: studentPageSchema } } }, async (request, reply) =>
      cached(reply, await sis.listStudents(request.query, request.log)),
    );

    app.get('/api/students/:id', { schema: { params: byId, response: { 200: studentDetailSchema } } }, async (request, reply) =>
      cached(reply, await sis.getStudent(request.params.id, request.log)),
    );

    app.post('/api/students', { schema: { body: newStudentSchema, response: { 201: studentSchema } } }, async (request, reply) => {
      const student = await sis.createStudent(request.body, request.log);
      reply.code(201).header('location', `/api/students/${student.id}`);
      return student;
    });

    app.get('/api/courses', { schema: { querystring: pageQuery, response: { 200: coursePageSchema } } }, async (request, reply) =>
      cached(reply, await sis.listCourses(request.query, request.log)),
    );

    app.get('/api/courses/:id', { schema: { params: byId, response: { 200: courseDetailSchema } } }, async (request, reply) =>
      cached(reply, await sis.getCourse(request.params.id, request.log)),
    );

    app.post(
      '/api/students/:id/enrollments',
      { schema: { params: byId, body: newEnrollmentSchema, response: { 201: enrollmentSchema } } },
      async (request, reply) => {
        const enrollment = await sis.enroll(request.params.id, request.body.courseId, request.log);
        reply.code(201);
        return enrollment;
      },
    );

    app.delete(
      '/api/students/:id/enrollments/:courseId',
      { schema: { params: z.object({ id: idParam, courseId: idParam }) } },
      async (request, reply) => {
        await sis.unenroll(request.params.id, request.params.courseId, request.log);
        return reply.code(204).send();
      },
    );
  };
