// The app process of the interactive-query bench, as `riskstream run` runs a pipeline: one
// StreamsApp on the embedded log at argv[2] and the HTTP query endpoint on the same event loop.
// Talks to the bench over the fork IPC channel: 'ready' with the endpoint, progress every 50 ms,
// and on 'stop' the app stops and reports its CPU time and how long its event loop was blocked.
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createEmbeddedBackend, setLogLevel, startStateQueryServer, StreamsApp } from '../../engine/index.ts';
import { balancesTopology } from './balances.ts';
import type { AppMessage, BenchMessage } from './messages.ts';

setLogLevel('warn');
const dir = process.argv[2];
const send = (m: AppMessage): void => void process.send!(m);
const backend = createEmbeddedBackend(path.join(dir, 'log'));
const app = new StreamsApp({ applicationId: 'bench-iq', topology: balancesTopology(), backend, stateDir: path.join(dir, 'state') });
await app.start();
const server = await startStateQueryServer({ targets: [app] });
const cpuAtStart = process.cpuUsage();
// How long the event loop was busy at a stretch: what a query arriving meanwhile waits for.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const timer = setInterval(() => send({ type: 'progress', recordsIn: app.progress().recordsIn }), 50);
process.on('message', (m: BenchMessage) => {
  if (m.type !== 'stop') return;
  clearInterval(timer);
  const cpu = process.cpuUsage(cpuAtStart);
  loopDelay.disable();
  void (async () => {
    await server.close();
    await app.stop();
    await backend.close();
    send({
      type: 'stopped',
      recordsIn: app.progress().recordsIn,
      cpuMs: (cpu.user + cpu.system) / 1000,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
    });
    process.disconnect();
  })();
});
send({ type: 'ready', endpoint: server.endpoint });
