// The `command` participant: runs a shell command for each event it is given, with the event as JSON on stdin and
// its type in BARO_EVENT. Small on purpose: copy it to write your own.
import { execa } from 'execa';
import { z } from 'zod';
import type { BaroApi } from './definition.js';

const optionsSchema = z.strictObject({
  run: z.string().trim().min(1),
  events: z.array(z.string()).optional(),
  /** Where the command runs; baro's own folder by default. */
  cwd: z.string().min(1).optional(),
  name: z.string().default('command'),
});

export type CommandOptions = z.input<typeof optionsSchema>;

const TAIL_CHARS = 500;

export default function command(raw: unknown) {
  const options = optionsSchema.parse(raw);
  return {
    name: options.name,
    events: options.events,
    async onEvent(event: { readonly type: string }, baro: BaroApi) {
      const result = await execa(options.run, {
        shell: true,
        input: `${JSON.stringify(event)}\n`,
        env: { BARO_EVENT: event.type },
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        cancelSignal: baro.signal,
        all: true,
        reject: false,
      });
      if (result.exitCode !== 0)
        throw new Error(
          `\`${options.run}\` exited with ${result.exitCode ?? result.signal ?? 'no code'} on ${event.type}: ${String(result.all ?? '').slice(-TAIL_CHARS)}`,
        );
    },
  };
}
