import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ALWAYS_IGNORED, baseImages, contextHash, listContextFiles } from './build-context';

describe('build context', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-stack-context-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (path: string, text = path, mode?: number) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    if (mode !== undefined) chmodSync(join(dir, path), mode);
  };
  const hash = (baseIds = ['sha256:base']) => contextHash(dir, 'Dockerfile', listContextFiles(dir), baseIds);

  describe('listContextFiles', () => {
    it('lists every file, sorted, with / separators', () => {
      write('Dockerfile');
      write('conf/b.conf');
      write('conf/a.conf');
      write('docker-entrypoint.sh');
      expect(listContextFiles(dir)).toEqual(['Dockerfile', 'conf/a.conf', 'conf/b.conf', 'docker-entrypoint.sh']);
    });

    it('never sends the service config, docs, specs or .dockerignore (ALWAYS_IGNORED), at any depth', () => {
      expect(ALWAYS_IGNORED).toEqual(expect.arrayContaining(['service.json', '**/*.md', '**/*.spec.ts', '.dockerignore']));
      write('Dockerfile');
      write('service.json');
      write('README.md');
      write('docs/notes.md');
      write('integration/etcd.integration.spec.ts');
      write('integration/helper.ts');
      write('.dockerignore', '');
      expect(listContextFiles(dir)).toEqual(['Dockerfile', 'integration/helper.ts']);
    });

    it('honours .dockerignore: files, folders, globs and ! exceptions', () => {
      write('Dockerfile');
      write('entrypoint.sh');
      write('node_modules/x/index.js');
      write('tmp/cache.bin');
      write('logs/a.log');
      write('logs/keep.log');
      write('src/app.py');
      write('src/app.pyc');
      write('.dockerignore', '# build junk\nnode_modules\ntmp/\n**/*.pyc\nlogs/*.log\n!logs/keep.log\n');
      expect(listContextFiles(dir)).toEqual(['Dockerfile', 'entrypoint.sh', 'logs/keep.log', 'src/app.py']);
    });
  });

  describe('baseImages', () => {
    it('lists the FROM images once each, with --platform and AS, and skips its own stage names', () => {
      const dockerfile = [
        '# syntax=docker/dockerfile:1',
        'FROM --platform=linux/amd64 golang:1.22 AS build',
        'RUN go build',
        'FROM build as test',
        'from debian:bookworm-slim AS Runtime',
        'COPY --from=build /out /usr/local/bin',
        'FROM runtime',
        '  FROM debian:bookworm-slim',
      ].join('\n');
      expect(baseImages(dockerfile)).toEqual(['golang:1.22', 'debian:bookworm-slim']);
    });

    it('a stage name used before it is defined is an image, not a stage', () => {
      expect(baseImages('FROM builder\nFROM alpine AS builder\n')).toEqual(['builder', 'alpine']);
    });

    it('FROM scratch needs no image', () => {
      expect(baseImages('FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /app /app\n')).toEqual(['golang:1.22']);
    });

    it('no FROM: no base images', () => {
      expect(baseImages('RUN echo hi\n')).toEqual([]);
    });
  });

  describe('contextHash', () => {
    beforeEach(() => {
      write('Dockerfile', 'FROM debian:bookworm-slim\n');
      write('entrypoint.sh', '#!/bin/sh\n', 0o644);
      write('conf/app.conf', 'a=1\n');
    });

    it('is a sha256 and stable for the same inputs', () => {
      expect(hash()).toMatch(/^[0-9a-f]{64}$/);
      expect(hash()).toBe(hash());
    });

    it('ignores changes to files that are not in the context', () => {
      const before = hash();
      write('service.json', '{"replicas": 5}');
      write('README.md', 'new docs');
      write('.dockerignore', 'ignored.txt\n');
      write('ignored.txt', 'x');
      expect(hash()).toBe(before);
    });

    it('changes when a file changes, is added, removed or renamed', () => {
      const before = hash();
      write('conf/app.conf', 'a=2\n');
      const changed = hash();
      expect(changed).not.toBe(before);
      write('conf/app.conf', 'a=1\n');
      expect(hash()).toBe(before);
      write('conf/extra.conf', '');
      expect(hash()).not.toBe(before);
      rmSync(join(dir, 'conf/extra.conf'));
      expect(hash()).toBe(before);
      rmSync(join(dir, 'conf/app.conf'));
      write('conf/app2.conf', 'a=1\n');
      expect(hash()).not.toBe(before);
    });

    it('changes when a file’s exec bit changes', () => {
      const before = hash();
      chmodSync(join(dir, 'entrypoint.sh'), 0o755);
      expect(hash()).not.toBe(before);
      chmodSync(join(dir, 'entrypoint.sh'), 0o644);
      expect(hash()).toBe(before);
    });

    it('changes when a base image id or the Dockerfile path changes', () => {
      const before = hash(['sha256:base']);
      expect(hash(['sha256:rebuilt-base'])).not.toBe(before);
      expect(contextHash(dir, 'other/Dockerfile', listContextFiles(dir), ['sha256:base'])).not.toBe(before);
    });
  });
});
