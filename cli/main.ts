// The riskstream command: parses options and hands over to the modules. Results go to stdout,
// logs and progress to stderr; a failure prints one line and exits non-zero.
import { Command, Option } from 'commander';
import { fail } from './fail.ts';

const program = new Command('riskstream')
  .description('Stream processing for lending risk: windowed risk features, debtor scoring and reconciliation')
  .addOption(new Option('--data-dir <dir>', 'where the embedded log, state, warehouse and lake live').env('RISKSTREAM_DATA_DIR'))
  .addOption(new Option('--backend <kind>', 'embedded (no servers) or kafka').choices(['embedded', 'kafka']).env('RISKSTREAM_BACKEND'))
  .addOption(new Option('--config <file>', 'JSON or YAML settings; environment variables override it').env('RISKSTREAM_CONFIG'))
  .addOption(
    new Option('--log-level <level>', 'JSON logs on stderr at this level')
      .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .env('RISKSTREAM_LOG_LEVEL'),
  )
  .showHelpAfterError('(run riskstream --help for usage)')
  .configureOutput({ outputError: (text, write) => write(text) });

function action<A extends unknown[]>(load: () => Promise<{ default: (program: Command, ...args: A) => Promise<void> }>) {
  return async (...args: A) => {
    try {
      const mod = await load();
      await mod.default(program, ...args);
    } catch (err) {
      await fail(err);
    }
  };
}

program
  .command('demo')
  .description('generate events, run every pipeline until idle and print a summary (fresh data dir unless --keep)')
  .option('--events <n>', 'events to generate', '100000')
  .option('--seed <s>', 'generator seed', '42')
  .option('--keep', 'keep the data dir instead of starting fresh')
  .action(action(() => import('./commands/demo.ts')));

program
  .command('generate')
  .description('produce synthetic events to the six input topics (same seed, same events)')
  .option('--events <n>', 'events to generate', '100000')
  .option('--seed <s>', 'generator seed', '42')
  .option('--rate <eps>', 'events per second (default: as fast as possible)')
  .action(action(() => import('./commands/generate.ts')));

program
  .command('connect')
  .description('load events from a source into a topic')
  .command('file')
  .description('NDJSON or CSV lines into a topic; invalid lines go to <topic>.dlq')
  .requiredOption('--topic <topic>', 'input topic')
  .requiredOption('--path <file>', 'NDJSON (.ndjson/.jsonl/.json) or CSV (.csv) file')
  .option('--format <format>', 'ndjson or csv (default: from the file extension)')
  .action(action(() => import('./commands/connect-file.ts')));

program
  .command('run')
  .description('run pipelines and their sinks (all = every pipeline)')
  .argument('<pipelines...>', 'pipeline names, or all')
  .option('--until-idle', 'exit once every input is consumed, committed and every sink flushed')
  .option('--workers <n>', 'worker processes in one consumer group', '1')
  .option('--threads <n>', 'stream threads per pipeline in each process (default: streamThreads setting, 1)')
  .option('--metrics-port <port>', 'serve /metrics and /health on this port')
  .action(action(() => import('./commands/run.ts')));

program
  .command('query')
  .description('run SQL on the warehouse')
  .argument('<sql>', 'the query')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .option('--write', 'allow DDL and DML')
  .action(action(() => import('./commands/query.ts')));

program
  .command('replay')
  .description("rewind a pipeline's input offsets and state so the next run recomputes from that point")
  .argument('<pipeline>', 'pipeline name')
  .requiredOption('--from <point>', 'earliest, or an ISO-8601 time')
  .action(action(() => import('./commands/replay.ts')));

const topics = program.command('topics').description('list or create topics');
topics.command('list').description('topics with partitions and record counts').action(action(() => import('./commands/topics-list.ts')));
topics
  .command('create')
  .description("create the project's topics (inputs, outputs, dead letters)")
  .option('--partitions <n>', 'partitions per topic', '4')
  .action(action(() => import('./commands/topics-create.ts')));

const schemas = program.command('schemas').description('list or register Avro schemas');
schemas.command('list').description('subjects with their latest version and id').action(action(() => import('./commands/schemas-list.ts')));
schemas
  .command('register')
  .description("register the project's schemas (BACKWARD compatibility checked)")
  .action(action(() => import('./commands/schemas-register.ts')));

program
  .command('warehouse')
  .description('warehouse administration')
  .command('migrate')
  .description('apply the numbered SQL migrations in warehouse/')
  .action(action(() => import('./commands/warehouse-migrate.ts')));

await program.parseAsync(process.argv);
