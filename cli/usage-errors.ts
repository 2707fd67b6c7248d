// Commander's own refusals (an unknown command or option, a missing argument, a value outside its
// choices) in the shape of every other failure: one line on stderr starting `riskstream: `, with
// commander's suggestion kept and the help of the command that refused named.
import type { Command } from 'commander';

/** Installs the one-line form on `cmd` and every command below it. */
export function oneLineUsageErrors(cmd: Command, path: string = cmd.name()): void {
  cmd.showHelpAfterError(false).configureOutput({ outputError: (text, write) => write(usageErrorLine(text, path)) });
  for (const sub of cmd.commands) oneLineUsageErrors(sub, `${path} ${sub.name()}`);
}

/** `error: unknown option '--x'\n(Did you mean --y?)\n` → `riskstream: unknown option '--x' (did you mean --y?); see PATH --help\n` */
export function usageErrorLine(text: string, path: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const message = (lines[0] ?? 'bad usage').replace(/^error: /, '').replace(/\.$/, '');
  const hints = lines.slice(1).map((l) => ` ${l.replace(/^\(Did you mean/, '(did you mean')}`);
  return `riskstream: ${message}${hints.join('')}; see ${path} --help\n`;
}
