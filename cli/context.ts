// What every command starts from: the settings, resolved from global options, config and environment.
// The log level is applied where the engine is opened (session.ts): `query` runs without the engine.
import type { Command } from 'commander';
import { requireExistingDataDir } from '../app/data-dir.ts';
import { resolveSettings, type Settings } from '../app/settings.ts';

export function settingsOf(program: Command): Settings {
  const flags = program.opts<{ dataDir?: string; backend?: string; config?: string; logLevel?: string }>();
  return resolveSettings(flags);
}

/** The settings of a command that only reads: on the embedded backend, a data dir that does not exist is refused rather than created. */
export function readerSettingsOf(program: Command): Settings {
  const settings = settingsOf(program);
  if (settings.backend === 'embedded') requireExistingDataDir(settings.dataDir);
  return settings;
}
