/** Which parameters changed between two versions, as JSON pointers with the old and new values. */
export interface PolicyChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export function diffPolicies(before: unknown, after: unknown, path = ''): PolicyChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: PolicyChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) changes.push(...diffPolicies(before[i], after[i], `${path}/${i}`));
    return changes;
  }
  if (isObject(before) && isObject(after) && !Array.isArray(before) && !Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffPolicies(before[k], after[k], `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return [{ path: path || '/', before: before ?? null, after: after ?? null }];
}
