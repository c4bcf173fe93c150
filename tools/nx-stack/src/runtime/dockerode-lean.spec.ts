import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const PACKAGE = join(__dirname, '../..');

/**
 * Runs `script` in a fresh Node process after loading the built `health`
 * executor (its bundle includes this module): require's cache is real there,
 * unlike in Jest's module registry. Prints what the script returns, as JSON.
 */
function inNode(script: string): Record<string, unknown> {
  const program = `
    require(${JSON.stringify(join(PACKAGE, 'executors/health.js'))});
    const loaded = (part) => Object.keys(require.cache).some((file) => file.includes(part));
    const result = (() => { ${script} })();
    process.stdout.write(JSON.stringify(result));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', program], { cwd: PACKAGE, encoding: 'utf8', timeout: 60_000 })) as Record<string, unknown>;
}

describe('dockerode, loaded lean', () => {
  it('an executor process loads dockerode without gRPC, the protobuf loader or ssh2', () => {
    expect(inNode(`return { grpc: loaded('/@grpc/'), ssh2: loaded('/ssh2/'), dockerode: loaded('/dockerode/lib/docker.js') };`)).toEqual({
      grpc: false,
      ssh2: false,
      dockerode: true,
    });
  }, 60_000);

  it('the deferred parts still work: a call loads the real module and runs it', () => {
    const result = inNode(`
      const modem = require.resolve('docker-modem', { paths: [require('node:path').dirname(require.resolve('dockerode'))] });
      const ssh = require(require('node:path').join(require('node:path').dirname(modem), 'ssh.js'));
      const before = loaded('/ssh2/');
      // docker-modem's ssh transport: an http.Agent that dials over ssh2 once used (nothing connects here).
      const agent = ssh({ host: '127.0.0.1', port: 1, username: 'nobody' });
      const session = require(require('node:path').join(require('node:path').dirname(require.resolve('dockerode')), 'session.js'));
      return { before, after: loaded('/ssh2/'), agent: typeof agent.createConnection, session: typeof session, grpcBeforeUse: loaded('/@grpc/') };
    `);
    expect(result).toEqual({ before: false, after: true, agent: 'function', session: 'function', grpcBeforeUse: false });
  }, 60_000);
});
