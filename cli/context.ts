// What every command starts from: the settings, resolved from global options, config and environment.
// The log level is applied where the engine is opened (session.ts): `query` runs without the engine.
import type { Command } from 'commander';
import { resolveSettings, type Settings } from '../app/settings.ts';

export function settingsOf(program: Command): Settings {
  const flags = program.opts<{ dataDir?: string; backend?: string; config?: string; logLevel?: string }>();
  return resolveSettings(flags);
}
