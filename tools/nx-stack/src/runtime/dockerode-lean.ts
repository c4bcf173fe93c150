import Module from 'node:module';
import { dirname } from 'node:path';

/**
 * dockerode, loaded without the two parts this plugin never uses at start:
 * its BuildKit session (`lib/session.js`: gRPC and a protobuf loader, for
 * `buildImage` with `version: '2'`) and docker-modem's SSH transport
 * (`lib/ssh.js`: ssh2, for `ssh://` engines). Each exports one function;
 * until that function is first called, a stand-in holds its place in
 * require's cache, so requiring dockerode costs about 45 ms instead of 145 ms
 * in every executor process. A call loads the real module and runs it, so
 * both still work (an `ssh://` DOCKER_HOST, a BuildKit build).
 */
type Fn = (...args: unknown[]) => unknown;
type LoadableModule = Module & { load(filename: string): void; paths: string[] };
const nodeModulePaths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths;

/** Puts a stand-in for the single-function module `file` in require's cache; false when it is already loaded. */
export function deferModule(file: string): boolean {
  if (require.cache[file]) return false;
  let real: Fn | undefined;
  const load = (): Fn => {
    if (!real) {
      const module = new Module(file) as LoadableModule;
      module.filename = file;
      module.paths = nodeModulePaths(dirname(file));
      module.load(file);
      real = module.exports as Fn;
    }
    return real;
  };
  const standIn = new Module(file) as LoadableModule;
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = function deferred(this: unknown, ...args: unknown[]) {
    return load().apply(this, args);
  };
  require.cache[file] = standIn;
  return true;
}

/** Where dockerode's session and docker-modem's ssh modules are, as dockerode itself resolves them. */
export function deferredDockerodeParts(): string[] {
  const dockerode = require.resolve('dockerode');
  const modem = require.resolve('docker-modem', { paths: [dirname(dockerode)] });
  return [`${dirname(dockerode)}/session.js`, `${dirname(modem)}/ssh.js`];
}

for (const file of deferredDockerodeParts()) deferModule(file);

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const Docker = require('dockerode') as typeof import('dockerode');
