import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDashboard, type TestDashboard } from '../helpers/dashboard.ts';
import { dashboardEvents } from './dashboard-events.ts';

const TOKEN = 'kaudit-ui-test-token-0123456789';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One raw request, so the Host header and body are exactly what the test says. */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

describe('the dashboard server on the loopback address', () => {
  let dashboard: TestDashboard;
  beforeAll(async () => {
    dashboard = await startTestDashboard(dashboardEvents());
  });
  afterAll(() => dashboard?.stop());

  it('serves the page with a policy that allows no inline script, and the security headers', async () => {
    // Act
    const answer = await request(dashboard.url);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers['content-security-policy']).toContain("script-src 'self';");
    expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
    expect(answer.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['x-frame-options']).toBe('DENY');
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
    expect(answer.body).toContain('<script src="/app.js" defer></script>');
  });

  it('answers a search with the language, never SQL, and binds its values', async () => {
    // Act
    const answer = await request(`${dashboard.url}api/search?${new URLSearchParams({ q: `user_name = "x' OR 1=1 --"` })}`);

    // Assess
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as { rows: { audit_id: string }[] }).rows.map((row) => row.audit_id)).toEqual(['hostile-get-secret']);
  });

  it('refuses SQL in the search box as a query that does not compile, pointing at the column', async () => {
    // Act
    const answer = await request(`${dashboard.url}api/search?${new URLSearchParams({ q: 'SELECT * FROM events' })}`);

    // Assess
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { column: 8 } });
  });

  it('refuses any method but GET and HEAD', async () => {
    // Act
    const answer = await request(`${dashboard.url}api/search`, { method: 'POST' });

    // Assess
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
  });

  it('refuses a request that carries a body', async () => {
    // Act
    const answer = await request(`${dashboard.url}api/search`, { headers: { 'Content-Length': '5' }, body: 'hello' });

    // Assess
    expect(answer.status).toBe(413);
  });

  it('refuses a Host header naming another site (DNS rebinding)', async () => {
    // Act
    const answer = await request(`${dashboard.url}api/overview`, { headers: { Host: 'attacker.example:80' } });

    // Assess
    expect(answer.status).toBe(421);
  });

  it('refuses a bad time without quoting it', async () => {
    // Act
    const answer = await request(`${dashboard.url}api/overview?since=${encodeURIComponent('<script>')}`);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain('<script>');
  });
});

describe('the dashboard server with a token', () => {
  let dashboard: TestDashboard;
  beforeAll(async () => {
    dashboard = await startTestDashboard(dashboardEvents(), { token: TOKEN });
  });
  afterAll(() => dashboard?.stop());

  it('refuses a request without the token', async () => {
    // Act
    const answer = await request(`${dashboard.url}api/overview`);

    // Assess
    expect(answer.status).toBe(401);
  });

  it('refuses a wrong token', async () => {
    // Act
    const answer = await request(`${dashboard.url}api/overview`, { headers: { Authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });

    // Assess
    expect(answer.status).toBe(401);
  });

  it('answers a request with the bearer token', async () => {
    // Act
    const answer = await request(`${dashboard.url}api/overview`, { headers: { Authorization: `Bearer ${TOKEN}` } });

    // Assess
    expect(answer.status).toBe(200);
  });

  it('trades ?token= for an HttpOnly cookie and sends the browser back without it', async () => {
    // Act
    const answer = await request(`${dashboard.url}?q=verb%3Dlist&token=${TOKEN}`);
    const cookie = (answer.headers['set-cookie']?.[0] ?? '').split(';')[0] as string;
    const withCookie = await request(`${dashboard.url}api/overview`, { headers: { Cookie: cookie } });

    // Assess
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/?q=verb%3Dlist');
    expect(answer.headers['set-cookie']?.[0]).toMatch(/; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(withCookie.status).toBe(200);
  });
});
