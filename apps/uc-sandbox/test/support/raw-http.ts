import http from 'node:http';

export type RawOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: http.IncomingHttpHeaders;
      readonly body: unknown;
    }
  | { readonly kind: 'error'; readonly code: string; readonly elapsedMs: number };

/**
 * A POST over a fresh connection with `node:http`, so that tests see exactly what the socket did:
 * an answer, a reset, or nothing until `timeoutMs`.
 */
export const post = (
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs = 5_000,
): Promise<RawOutcome & { readonly elapsedMs: number }> => {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  return new Promise((resolve) => {
    const request = http.request(url, { method: 'POST', headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ kind: 'error', code: error.code ?? error.message, elapsedMs: elapsed() }),
      );
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {}
        resolve({
          kind: 'response',
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: parsed,
          elapsedMs: elapsed(),
        });
      });
    });
    request.setTimeout(timeoutMs, () =>
      request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'error', code: error.code ?? error.message, elapsedMs: elapsed() }),
    );
    request.end(JSON.stringify(body));
  });
};
