// `npm run dev:services`: starts Kafka, the schema registry, ClickHouse and S3 in the foreground, prints the
// variables to export (stdout), and stops everything on Ctrl-C / SIGTERM.
//   npm run dev:services                       all four
//   npm run dev:services -- --only kafka,s3    some of them
import { ALL_SERVICES, type ServiceName, startDevServices } from './services.ts';

function parseOnly(argv: readonly string[]): ServiceName[] | undefined {
  const i = argv.indexOf('--only');
  if (i < 0) return undefined;
  const names = (argv[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !(ALL_SERVICES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`--only takes a comma-separated list of ${ALL_SERVICES.join(', ')}; got '${argv[i + 1] ?? ''}'`);
  }
  return names as ServiceName[];
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

async function main(): Promise<void> {
  const only = parseOnly(process.argv.slice(2));
  process.stderr.write(
    `starting ${(only ?? ALL_SERVICES).join(', ')} (the first run may fetch Kafka with Maven and install clickhouse-server)...\n`,
  );
  const services = await startDevServices({ only });
  for (const [name, s] of Object.entries(services.started)) process.stderr.write(`  ${name}: ${s.source}, ready in ${s.ms} ms\n`);
  process.stderr.write('export these in another shell (or eval "$(...)" them); Ctrl-C stops everything:\n');
  for (const [key, value] of Object.entries(services.env)) process.stdout.write(`export ${key}=${shellQuote(value)}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping...\n`);
    services.stop().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`stopping failed: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // Keep the process alive until a signal arrives.
  setInterval(() => {}, 1 << 30);
}

main().catch((err: Error) => {
  process.stderr.write(`dev:services: ${err.message.split('\n')[0]}\n`);
  process.exit(1);
});
