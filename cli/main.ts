// The riskstream command: parses options and hands over to the modules. Results go to stdout,
// logs and progress to stderr; a failure prints one line and exits non-zero.
import { Command, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { exitQuietlyWhenStdoutCloses } from './closed-stdout.ts';
import { fail } from './fail.ts';
import { oneLineUsageErrors } from './usage-errors.ts';

exitQuietlyWhenStdoutCloses();

const program = new Command('riskstream')
  .description('Stream processing for lending risk: windowed risk features per customer, landed in a warehouse and a Parquet lake')
  .version(packageJson.version, '-V, --version', 'print the version of riskstream')
  .addOption(new Option('--data-dir <dir>', 'where the embedded log, state, warehouse and lake live').env('RISKSTREAM_DATA_DIR'))
  .addOption(new Option('--backend <kind>', 'embedded (no servers) or kafka').choices(['embedded', 'kafka']).env('RISKSTREAM_BACKEND'))
  .addOption(new Option('--config <file>', 'JSON or YAML settings; environment variables override it').env('RISKSTREAM_CONFIG'))
  .addOption(
    new Option('--log-level <level>', 'JSON logs on stderr at this level')
      .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .env('RISKSTREAM_LOG_LEVEL'),
  );

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
  .addHelpText(
    'after',
    `
Without --keep the data dir is deleted first, but only when it is riskstream's: marked with
.riskstream-data-dir, empty, or holding nothing but riskstream's layout. Any other non-empty
directory is refused (exit 1, nothing deleted).`,
  )
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
  .description('NDJSON or CSV lines into an input topic; invalid lines go to <topic>.dlq')
  .requiredOption('--topic <topic>', 'input topic (output topics are refused)')
  .requiredOption('--path <file>', 'NDJSON (.ndjson/.jsonl/.json) or CSV (.csv) file')
  .option('--format <format>', 'ndjson or csv (default: from the file extension)')
  .addOption(
    new Option('--time-unit <unit>', 'what an epoch number in a time field counts: ms (milliseconds) or s (seconds)')
      .choices(['ms', 's'])
      .default('ms'),
  )
  .option('--max-errors <n>', 'exit 2 when more lines than this are rejected (default: no limit)')
  .addHelpText(
    'after',
    `
The whole file is always read: valid lines go to the topic, rejected ones to <topic>.dlq, and a
summary goes to stderr. Exit status: 0 loaded; 1 refused or failed before loading (unknown or output
topic, unreadable file), nothing written; 2 loaded, but every line was rejected or more than
--max-errors were (see riskstream dlq show <topic>).`,
  )
  .action(action(() => import('./commands/connect-file.ts')));

program
  .command('run')
  .description('run pipelines and their sinks (all = every pipeline)')
  .argument('<pipelines...>', 'pipeline names, or all')
  .option('--until-idle', 'exit once every input is consumed, committed and every sink flushed')
  .option('--workers <n>', 'worker processes in one consumer group', '1')
  .option('--threads <n>', 'stream threads per pipeline in each process (default: streamThreads setting, 1)')
  .option('--metrics-port <port>', 'serve /metrics and /health on this port')
  .option('--query-port <port>', 'serve interactive state queries on this port (default: any free port, advertised in the data dir)')
  .action(action(() => import('./commands/run.ts')));

const state = program.command('state').description('read queryable state stores of the pipelines (live while run runs, else checkpointed)');
state
  .command('get')
  .description('the value of one key')
  .argument('<store>', 'queryable store name')
  .argument('<key>', 'key')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
  .action(action(() => import('./commands/state-get.ts')));
state
  .command('range')
  .description('entries with from <= key <= to, in key order')
  .argument('<store>', 'queryable store name')
  .option('--from <key>', 'first key (inclusive)')
  .option('--to <key>', 'last key (inclusive)')
  .option('--limit <n>', 'at most this many entries')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
  .action(action(() => import('./commands/state-range.ts')));

program
  .command('worklist')
  .description(
    'the top debtors of the collection worklist (priority_score descending, debtor_id ascending), live while run debtor-priority runs, else checkpointed',
  )
  .option('--top <n>', 'how many debtors', '50')
  .option('--partner <partner>', 'only the debtors of this collection partner')
  .option('--tenant <tenant>', 'only the debtors of this tenant')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .action(action(() => import('./commands/worklist.ts')));

program
  .command('query')
  .description('run SQL on the warehouse')
  .argument('<sql>', 'the query')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .option('--write', 'allow DDL and DML')
  .action(action(() => import('./commands/query.ts')));

program
  .command('replay')
  .description(
    "rewind a pipeline's input offsets and state so the next run recomputes from that point (stop the pipeline first: refuses while it runs)",
  )
  .argument('<pipeline>', 'pipeline name')
  .requiredOption('--from <point>', 'earliest, or an ISO-8601 time')
  .action(action(() => import('./commands/replay.ts')));

const review = program.command('review').description('reconciliation cases queued for manual review');
review
  .command('list')
  .description('open cases, oldest first, with both balances, the difference and both statuses')
  .option('--partner <partner>', 'only the cases of this collection partner')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .action(action(() => import('./commands/review-list.ts')));
review
  .command('resolve')
  .description('decide an open case: writes a review-decisions record; the reconciliation pipeline closes and audits the case')
  .argument('<case>', "the case's event_id (as review list shows it)")
  .requiredOption('--decision <decision>', 'accept_partner, keep_ours or write_off')
  .requiredOption('--by <name>', 'who decides')
  .requiredOption('--reason <text>', 'why')
  .action(action(() => import('./commands/review-resolve.ts')));

const dlq = program.command('dlq').description('dead letters: records that were rejected, with the reason and where they came from');
dlq
  .command('list')
  .description('every dead-letter topic (<topic>.dlq) with its record count')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .action(action(() => import('./commands/dlq-list.ts')));
dlq
  .command('show')
  .description('the latest dead letters of a topic: reason, origin and payload')
  .argument('<topic>', 'the topic or its dead-letter topic (transactions or transactions.dlq)')
  .option('--limit <n>', 'show the latest N records', '20')
  .addOption(
    new Option('--format <format>', 'output format (table shows fewer columns)').choices(['table', 'json', 'csv']).default('table'),
  )
  .addHelpText(
    'after',
    `
Per record: error (why it was rejected); origin, as file:line for lines 'connect file' rejected, or
topic[partition]@offset for records a pipeline or a sink rejected (json and csv also give source_topic,
source_partition, source_offset, file and line apart); payload, the rejected record itself, as text
when payload_encoding is utf8, base64 of its bytes when it is base64 (e.g. an Avro record).`,
  )
  .action(action(() => import('./commands/dlq-show.ts')));

const topics = program.command('topics').description('list or create topics');
topics
  .command('list')
  .description('topics with partitions and record counts')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .action(action(() => import('./commands/topics-list.ts')));
topics
  .command('create')
  .description("create the project's topics (inputs, outputs, dead letters)")
  .option('--partitions <n>', 'partitions per topic', '4')
  .action(action(() => import('./commands/topics-create.ts')));

const schemas = program.command('schemas').description('list or register Avro schemas');
schemas
  .command('list')
  .description('subjects with their latest version and id')
  .action(action(() => import('./commands/schemas-list.ts')));
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

const models = program.command('models').description('default-risk models: evaluate, train, list, promote, schedule');
models
  .command('evaluate')
  .description('cross-validate logistic regression and random forest on a CSV (saves nothing)')
  .requiredOption('--data <file>', 'CSV with a header')
  .requiredOption('--label <column>', 'the label column')
  .requiredOption('--positive <value>', 'the label value that counts as positive (e.g. a default)')
  .option('--folds <k>', 'cross-validation folds', '5')
  .option('--seed <s>', 'seed of the fold assignment and the forests', '42')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
  .action(action(() => import('./commands/models-evaluate.ts')));

models
  .command('train')
  .description('evaluate, then fit both models on all rows and save them as a new version in the model store')
  .option('--data <file>', 'CSV with a header')
  .option('--label <column>', 'the label column')
  .option('--positive <value>', 'the label value that counts as positive')
  .option('--from-warehouse', 'train on risk_features windows with the generator ground truth')
  .option('--name <name>', 'model name', 'default-risk')
  .option('--folds <k>', 'cross-validation folds', '5')
  .option('--seed <s>', 'seed of the fold assignment and the forests', '42')
  .action(action(() => import('./commands/models-train.ts')));
models
  .command('list')
  .description('stored model versions with their AUCs and which is promoted')
  .action(action(() => import('./commands/models-list.ts')));
models
  .command('promote')
  .description('make a version the one scoring pipelines use')
  .argument('<name>', 'model name, e.g. default-risk')
  .argument('<version>', 'version number')
  .addOption(new Option('--algo <algo>', "which of the two models (default: the version's better CV AUC)").choices(['lr', 'rf']))
  .action(action(() => import('./commands/models-promote.ts')));

models
  .command('schedule')
  .description('retrain from the warehouse on a cron schedule; promote only when the CV AUC is not worse')
  .option('--cron <expression>', 'node-cron expression (a sixth, leading field counts seconds)', '0 */6 * * *')
  .option('--name <name>', 'model name', 'default-risk')
  .option('--folds <k>', 'cross-validation folds', '5')
  .option('--seed <s>', 'seed of the fold assignment and the forests', '42')
  .action(action(() => import('./commands/models-schedule.ts')));

oneLineUsageErrors(program);
await program.parseAsync(process.argv);
