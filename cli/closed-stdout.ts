// `riskstream review list | head -1`: the reader closing the pipe early is not a failure. The command
// stops quietly with status 0, as Unix tools do on SIGPIPE, instead of dying on an unhandled EPIPE.
export function exitQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
