// One thread of file-lock-threads.test.ts: takes the lock `rounds` times (spinning) and, holding it, reads a
// counter file, yields, and writes it back incremented (a lost update would show a second holder).
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { FileLock } = await import(workerData.module);
const lock = new FileLock(workerData.lock);
let failure = null;
for (let i = 0; i < workerData.rounds; i++) {
  try {
    // Spin on tryAcquire: the threads' attempts (and temp files) run side by side.
    while (!lock.tryAcquire());
    const n = Number(fs.readFileSync(workerData.counter, 'utf8'));
    await new Promise((resolve) => setImmediate(resolve));
    fs.writeFileSync(workerData.counter, String(n + 1));
    lock.release();
  } catch (err) {
    failure = String(err);
    break;
  }
}
parentPort.postMessage(failure);
