// Whether a pid belongs to a running process, for taking over what a killed process left behind
// (locks, advertised endpoints, temp dirs). EPERM means it runs under another user: alive.
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
