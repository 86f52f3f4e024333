// The shipped webhook participant against a loopback server: a delivery that hangs is cut at its timeout and retried,
// one that keeps failing stops the participant with the last answer.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import webhook from '../../../services/participants/webhook.js';
import type { BaroApi } from '../../../services/participants/definition.js';

const servers: ReturnType<typeof createServer>[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  }
});

/** A loopback server answering the n-th request (from 1) as `answer` says; its URL. */
async function serve(answer: (n: number, response: ServerResponse, request: IncomingMessage) => void): Promise<string> {
  let n = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => answer((n += 1), response, request));
  });
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

const baro = (): BaroApi => ({
  note: () => undefined,
  tell: () => undefined,
  pause: () => undefined,
  resume: () => undefined,
  veto: () => undefined,
  signal: new AbortController().signal,
});

const completed = { type: 'run.completed', status: 'succeeded' };

describe('the webhook participant', () => {
  it('cuts a delivery that hangs at its timeout and delivers on the retry', async () => {
    const events: (string | string[] | undefined)[] = [];
    const url = await serve((n, response, request) => {
      events.push(request.headers['x-baro-event']);
      // The first request is never answered: only the timeout ends it.
      if (n > 1) response.writeHead(204).end();
    });
    const participant = webhook({ url, retries: 1, timeoutSeconds: 1 });
    await participant.onEvent(completed, baro());
    expect(events).toEqual(['run.completed', 'run.completed']);
  });

  it('throws, naming the last answer, when every attempt fails', async () => {
    const url = await serve((_n, response) => response.writeHead(500).end());
    const participant = webhook({ url, retries: 1 });
    await expect(participant.onEvent(completed, baro())).rejects.toThrow(
      `run.completed not delivered after 2 attempts: ${url} answered 500`,
    );
  });

  it('refuses a secret variable that is not set, and a URL that is not http', () => {
    expect(() => webhook({ url: 'http://127.0.0.1:1/', secretEnv: 'BARO_TEST_UNSET_SECRET' })).toThrow(
      'the environment variable BARO_TEST_UNSET_SECRET is empty',
    );
    expect(() => webhook({ url: 'ftp://example.invalid/' })).toThrow();
  });
});
