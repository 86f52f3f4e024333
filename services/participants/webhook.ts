// The `webhook` participant: POSTs the events it is given, as JSON, to a URL; retries a failed delivery, signs the
// body with HMAC-SHA256 when a secret is set. Small on purpose: copy it to write your own.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { BaroApi } from './definition.js';

const optionsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  events: z.array(z.string()).optional(),
  /** The environment variable holding the signing secret: the config file is committed, a secret must not be. */
  secretEnv: z.string().min(1).optional(),
  retries: z.number().int().min(0).max(10).default(3),
  timeoutSeconds: z.number().int().min(1).max(300).default(5),
  name: z.string().default('webhook'),
});

export type WebhookOptions = z.input<typeof optionsSchema>;

export const SIGNATURE_HEADER = 'x-baro-signature-256';
const BACKOFF_MS = 500;

/** `sha256=<hex>` of the body: what a receiver recomputes with the shared secret to trust the delivery. */
export const signature = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((done) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), done()), { once: true });
  });

export default function webhook(raw: unknown) {
  const options = optionsSchema.parse(raw);
  const secret = options.secretEnv === undefined ? undefined : process.env[options.secretEnv];
  if (options.secretEnv !== undefined && !secret)
    throw new Error(`the environment variable ${options.secretEnv} is empty`);

  /** One POST; undefined when delivered, else why not. */
  async function post(body: string, type: string, signal: AbortSignal): Promise<string | undefined> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-baro-event': type };
    if (secret) headers[SIGNATURE_HEADER] = signature(secret, body);
    try {
      const timeout = AbortSignal.timeout(options.timeoutSeconds * 1000);
      const response = await fetch(options.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([signal, timeout]),
      });
      await response.body?.cancel();
      return response.ok ? undefined : `${options.url} answered ${response.status}`;
    } catch (error) {
      return `${options.url} could not be reached: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  return {
    name: options.name,
    events: options.events,
    async onEvent(event: { readonly type: string }, baro: BaroApi) {
      const body = JSON.stringify(event);
      let failure: string | undefined;
      for (let attempt = 0; attempt <= options.retries && !baro.signal.aborted; attempt += 1) {
        if (attempt > 0) await pause(BACKOFF_MS * 2 ** (attempt - 1), baro.signal);
        failure = await post(body, event.type, baro.signal);
        if (failure === undefined) return;
      }
      throw new Error(`${event.type} not delivered after ${options.retries + 1} attempts: ${failure ?? 'stopped'}`);
    },
  };
}
