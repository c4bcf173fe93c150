import { loadService } from '../core/load-service';
import { FakeRuntime } from '../testing/fake-runtime';
import { TestWorkspace, serviceJson } from '../testing/executor-context';
import { ensureImage, planImage } from './image';
import { LABELS } from '../core/naming';

describe('image', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(() => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
  });
  afterEach(() => ws.dispose());
  const service = () => loadService(ws.root, 'infrastructure/etcd');

  it('plans a content-hash tag from the context files and the base image ids', async () => {
    const plan = await planImage(runtime, ws.root, service());
    expect(plan.tag).toMatch(/^paws360\/etcd:[0-9a-f]{12}$/);
    expect(plan.tag.endsWith(plan.hash.slice(0, 12))).toBe(true);
    expect(plan.files).toEqual(['Dockerfile', 'docker-entrypoint.sh']);
    expect(plan.dockerfile).toBe('Dockerfile');

    runtime.images.set('debian:bookworm-slim', 'sha256:new-base');
    expect((await planImage(runtime, ws.root, service())).tag).not.toBe(plan.tag);
  });

  it('builds when no image has the tag, with both tags and the service labels', async () => {
    const lines: string[] = [];
    const result = await ensureImage(runtime, ws.root, service(), { onLine: (l) => lines.push(l) });
    expect(result.built).toBe(true);
    expect(runtime.builds).toHaveLength(1);
    const [build] = runtime.builds;
    expect(build.tags).toEqual([result.tag, 'paws360/etcd:latest']);
    expect(build.labels).toEqual({ [LABELS.service]: 'etcd', [LABELS.imageHash]: result.hash });
    expect(build.files).toEqual(['Dockerfile', 'docker-entrypoint.sh']);
    expect(build.noCache).toBeFalsy();
    expect(result.id).toBe(runtime.images.get(result.tag));
    expect(lines).toEqual(runtime.buildOutput);
  });

  it('skips the build when the image is present, rebuilds when it was deleted', async () => {
    const first = await ensureImage(runtime, ws.root, service());
    const second = await ensureImage(runtime, ws.root, service());
    expect(second).toMatchObject({ built: false, tag: first.tag, id: first.id });
    expect(runtime.builds).toHaveLength(1);

    runtime.images.delete(first.tag);
    const third = await ensureImage(runtime, ws.root, service());
    expect(third.built).toBe(true);
    expect(runtime.builds).toHaveLength(2);
  });

  it('concurrent calls for one image share one build; a call after it settled asks the engine again', async () => {
    const lines: string[] = [];
    const [first, second] = await Promise.all([
      ensureImage(runtime, ws.root, service(), { onLine: (l) => lines.push(l) }),
      ensureImage(runtime, ws.root, service(), { onLine: () => lines.push('second caller') }),
    ]);
    expect(runtime.builds).toHaveLength(1);
    expect(second).toBe(first);
    expect(lines).toEqual(runtime.buildOutput);
    runtime.images.delete(first.tag);
    expect((await ensureImage(runtime, ws.root, service())).built).toBe(true);
    expect(runtime.builds).toHaveLength(2);
    // Another namespace or a forced build is another build.
    await Promise.all([ensureImage(runtime, ws.root, service(), { namespace: 'other' }), ensureImage(runtime, ws.root, service(), { force: true })]);
    expect(runtime.builds).toHaveLength(4);
  });

  it('a namespace of its own: its own tags, the same content hash, built beside the default one', async () => {
    const shared = await ensureImage(runtime, ws.root, service());
    const own = await ensureImage(runtime, ws.root, service(), { namespace: 'paws360-it-etcd' });
    expect(own.tag).toBe(shared.tag.replace(/^paws360\//, 'paws360-it-etcd/'));
    expect(own.hash).toBe(shared.hash);
    expect(own.built).toBe(true);
    expect(runtime.builds[1].tags).toEqual([own.tag, 'paws360-it-etcd/etcd:latest']);
    // Removing the own tag leaves the shared one alone.
    runtime.images.delete(own.tag);
    expect((await ensureImage(runtime, ws.root, service())).built).toBe(false);
  });

  it('force builds without cache even when the image is present', async () => {
    await ensureImage(runtime, ws.root, service());
    const forced = await ensureImage(runtime, ws.root, service(), { force: true });
    expect(forced.built).toBe(true);
    expect(runtime.builds[1].noCache).toBe(true);
  });

  it('a changed context file gives a new tag and a build', async () => {
    const first = await ensureImage(runtime, ws.root, service());
    ws.writeFile('infrastructure/etcd/docker-entrypoint.sh', '#!/bin/sh\necho changed\nexec "$@"\n', 0o755);
    const second = await ensureImage(runtime, ws.root, service());
    expect(second.tag).not.toBe(first.tag);
    expect(second.built).toBe(true);
  });

  it('a Dockerfile listed in .dockerignore is still sent and hashed (docker always sends it)', async () => {
    ws.writeFile('infrastructure/etcd/.dockerignore', 'Dockerfile\n');
    const first = await planImage(runtime, ws.root, service());
    expect(first.files).toContain('Dockerfile');
    ws.writeFile('infrastructure/etcd/Dockerfile', 'FROM debian:bookworm-slim\nRUN echo changed\n');
    expect((await planImage(runtime, ws.root, service())).tag).not.toBe(first.tag);
  });

  it('a missing base image names it and how to get it; nothing is built', async () => {
    runtime.images.clear();
    await expect(ensureImage(runtime, ws.root, service())).rejects.toThrow(
      /etcd: base image debian:bookworm-slim is not present on the Docker engine[\s\S]*docker pull debian:bookworm-slim/,
    );
    expect(runtime.builds).toHaveLength(0);
  });

  it('a missing Dockerfile names the file and the service.json field', async () => {
    ws.writeServiceJson('etcd', serviceJson({ image: { dockerfile: 'Dockerfile.missing' } }));
    await expect(planImage(runtime, ws.root, service())).rejects.toThrow(
      /etcd: cannot read infrastructure\/etcd\/Dockerfile\.missing .*check "image\.dockerfile" in infrastructure\/etcd\/service\.json/,
    );
  });

  it('a failing build is passed on and no image is reported', async () => {
    runtime.failOn('buildImage');
    await expect(ensureImage(runtime, ws.root, service())).rejects.toThrow(/buildImage paws360\/etcd:[0-9a-f]{12} failed: injected failure/);
  });
});
