// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { z } from 'zod';
import { ConfigError } from '../core/config-error';
import { EngineUnavailableError, RuntimeOperationError } from '../runtime/runtime-errors';
import { StackError, UserError } from '../core/errors';
import { MissingSecretError } from '../core/secrets';
import { TestWorkspace, serviceJson, testDeps } from '../testing/executor-context';
import { FakeRuntime } from '../testing/fake-runtime';
import { allServices, coloursFor, currentService, parseOptions, projectRoot, runExecutor, serviceByName, stackOf } from './executor-support';

describe('executor support', () => {
  let ws: TestWorkspace;
  beforeEach(() => {
    ws = TestWorkspace.create({ router: { config: serviceJson({ kind: 'router' }) }, etcd: {} });
    ws.projects['nx-stack'] = { name: 'nx-stack', root: 'tools/nx-stack', tags: ['type:tool'] };
  });
  afterEach(() => ws.dispose());

  it('currentService loads the running project’s service.json', () => {
    const service = currentService(ws.context('etcd'));
    expect(service).toMatchObject({ name: 'etcd', root: 'infrastructure/etcd', config: { kind: 'etcd', replicas: 3 } });
    expect(serviceByName(ws.context('etcd'), 'router').config.kind).toBe('router');
  });

  it('an unknown project is a StackError naming it', () => {
    expect(() => projectRoot(ws.context('etcd'), 'nope')).toThrow(new StackError('project "nope" is not in the workspace'));
    expect(() => currentService({ ...ws.context('etcd'), projectName: undefined })).toThrow(StackError);
  });

  it('allServices: only service projects, in name order', () => {
    expect(allServices(ws.context('stack')).map((s) => s.name)).toEqual(['etcd', 'router']);
  });

  it('stackOf reads PAWS360_STACK from the deps’ env', () => {
    const { deps } = testDeps(new FakeRuntime(), { env: { PAWS360_STACK: 'ci-1' } });
    expect(stackOf(deps)).toBe('ci-1');
    expect(stackOf(testDeps(new FakeRuntime()).deps)).toBe('paws360');
  });

  it('coloursFor decides by the deps’ env, whatever the process’s env says', () => {
    const saved = process.env.FORCE_COLOR;
    process.env.FORCE_COLOR = '1';
    try {
      expect(coloursFor(testDeps(new FakeRuntime(), { env: { FORCE_COLOR: '0' } }).deps).enabled).toBe(false);
      expect(coloursFor(testDeps(new FakeRuntime(), { env: { NO_COLOR: '1' } }).deps).enabled).toBe(false);
      expect(coloursFor(testDeps(new FakeRuntime(), { env: { FORCE_COLOR: '1' } }).deps).green('ok')).toBe('\u001b[32mok\u001b[39m');
    } finally {
      if (saved === undefined) delete process.env.FORCE_COLOR;
      else process.env.FORCE_COLOR = saved;
    }
  });

  describe('parseOptions', () => {
    const schema = z.object({ json: z.boolean().default(false), tail: z.number().int().optional() }).strict();

    it('fills in defaults; undefined options count as none', () => {
      expect(parseOptions(schema, { tail: 5 }, 'logs')).toEqual({ json: false, tail: 5 });
      expect(parseOptions(schema, undefined, 'logs')).toEqual({ json: false });
    });

    it('a bad option: ConfigError for "options of <executor>" naming each option', () => {
      let caught: unknown;
      try {
        parseOptions(schema, { json: 'yes', tail: 1.5, colour: true }, 'logs');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      const error = caught as ConfigError;
      expect(error.file).toBe('options of logs');
      expect(error.problems).toEqual([
        'field "json": Invalid input: expected boolean, received string (got "yes")',
        'field "tail": Invalid input: expected int, received number (got 1.5)',
        'field "colour": unknown field, not expected here (check its spelling, or remove it)',
      ]);
    });
  });

  describe('runExecutor', () => {
    it('passes the body’s verdict on', async () => {
      const { deps, errors } = testDeps(new FakeRuntime());
      expect(await runExecutor(deps, async () => true)).toEqual({ success: true });
      expect(await runExecutor(deps, async () => false)).toEqual({ success: false });
      expect(errors).toEqual([]);
    });

    it.each([
      new StackError('stack says no'),
      new ConfigError('x.json', ['field "a": bad']),
      new EngineUnavailableError('unix:///s', 'ECONNREFUSED'),
      new RuntimeOperationError('docker create x', 'conflict', 409),
      new UserError('PAWS360_STACK="Bad" is not a valid stack name'),
      new MissingSecretError('/ws', 'paws360', 'REDIS_PASSWORD'),
    ])('a known failure (%p) prints only its message', async (error) => {
      const { deps, errors } = testDeps(new FakeRuntime());
      expect(await runExecutor(deps, () => Promise.reject(error))).toEqual({ success: false });
      expect(errors).toEqual([error.message]);
    });

    it('user mistakes are UserErrors that keep their cause: bad stack name, bad port variable', async () => {
      const { deps, errors } = testDeps(new FakeRuntime(), { env: { PAWS360_STACK: 'Bad Name' } });
      expect(await runExecutor(deps, async () => stackOf(deps) === 'x')).toEqual({ success: false });
      expect(errors[0]).toMatch(/^PAWS360_STACK="Bad Name" is not a valid stack name/);
      expect(errors[0]).not.toMatch(/\n\s+at /);
      const cause = new Error('ECONNREFUSED');
      const wrapped = new EngineUnavailableError('unix:///s', 'ECONNREFUSED', { cause });
      expect(wrapped).toBeInstanceOf(UserError);
      expect(wrapped.cause).toBe(cause);
    });

    it('an unexpected failure prints its stack trace (a bug to report)', async () => {
      const { deps, errors } = testDeps(new FakeRuntime());
      expect(await runExecutor(deps, () => Promise.reject(new TypeError('x is undefined')))).toEqual({ success: false });
      expect(errors[0]).toMatch(/^TypeError: x is undefined\n\s+at /);
    });
  });
});
