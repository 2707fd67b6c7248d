// What every command starts from: the settings, resolved from global options, config and environment.
import type { Command } from 'commander';
import { resolveSettings, type Settings } from '../app/settings.ts';
import { setLogLevel } from '../engine/index.ts';

export function settingsOf(program: Command): Settings {
  const flags = program.opts<{ dataDir?: string; backend?: string; config?: string; logLevel?: string }>();
  const settings = resolveSettings(flags);
  setLogLevel(settings.logLevel);
  return settings;
}
