/**
 * Setup of the `unit` test project: a unit test is pure, so starting a server (even on loopback)
 * or a child process fails it with a message saying where the test belongs instead. Tests that
 * need either are named `*.integration.test.ts` and run in the `integration` project.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

function refuse(what: string): never {
  throw new Error(`a unit test ${what}: name the test file *.integration.test.ts to run it in the integration project (docs/architecture.md, "Tests")`);
}

net.Server.prototype.listen = function listen(): never {
  refuse('starts a server');
};
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  Object.defineProperty(childProcess, name, {
    value: () => refuse(`starts a child process (${name})`),
    configurable: true,
    writable: true,
  });
}
// ES module imports of node:child_process read the patched functions only after this.
syncBuiltinESMExports();
