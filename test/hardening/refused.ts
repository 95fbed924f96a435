import type { Response } from 'supertest';
import type { TestApp } from '@test/support';

/** The fields a problem names: `errors[].field` of a validation problem, else its `field`. */
export function namedFields(body: Record<string, unknown>): string[] {
  const errors = body.errors as { field: string }[] | undefined;
  return errors ? errors.map((e) => e.field) : typeof body.field === 'string' ? [body.field] : [];
}

/**
 * Sends a request that must be refused: the status, an application/problem+json body with a correlation id, the
 * field named (when given), and nothing appended to the store.
 */
export async function expectRefused(t: TestApp, status: number, send: () => PromiseLike<Response>, field?: string): Promise<Record<string, unknown>> {
  const head = await t.store.headPosition();
  const res = await send();
  const body = res.body as Record<string, unknown>;
  expect({ status: res.status, body }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(body).toMatchObject({ status, correlationId: expect.any(String) });
  if (field !== undefined) expect(namedFields(body)).toContain(field);
  expect(await t.store.headPosition()).toBe(head);
  return body;
}
