import type { Pool } from 'pg';

export interface Recipient {
  readonly memberId: string;
  readonly reason: 'reporter' | 'duty_officer' | 'unit_head';
}

/**
 * Who is told of an incident's reminder, right now (at perform time, from the organization's read models
 * rm.appointments / rm.org_units / rm.members): its reporter, the unit heads of its unit (unit_head covers its
 * own unit) and the duty officers of the unit or any unit above it (duty_officer covers its subtree), whose
 * appointments are in force on `today` (the business date) and who are active members. One entry per member,
 * the reporter first.
 */
export async function reminderRecipients(pool: Pool, incident: { unitId: string; reporterId: string }, today: string): Promise<Recipient[]> {
  const { rows } = await pool.query<{ member_id: string; role: 'duty_officer' | 'unit_head' }>(
    `WITH RECURSIVE up(unit_id, parent_id, depth) AS (
        SELECT unit_id, parent_id, 0 FROM rm.org_units WHERE unit_id = $1::uuid
        UNION ALL
        SELECT u.unit_id, u.parent_id, up.depth + 1 FROM rm.org_units u JOIN up ON u.unit_id = up.parent_id WHERE up.depth < 64)
      SELECT DISTINCT a.member_id::text AS member_id, a.role
        FROM rm.appointments a JOIN rm.members m ON m.member_id = a.member_id
       WHERE m.status = 'active'
         AND a.starts_on <= $2::date AND (a.ends_on IS NULL OR a.ends_on >= $2::date)
         AND ((a.role = 'unit_head' AND a.unit_id = $1::uuid) OR (a.role = 'duty_officer' AND a.unit_id IN (SELECT unit_id FROM up)))
       ORDER BY member_id, a.role`,
    [incident.unitId, today],
  );
  const out = new Map<string, Recipient>([[incident.reporterId, { memberId: incident.reporterId, reason: 'reporter' }]]);
  for (const r of rows) if (!out.has(r.member_id)) out.set(r.member_id, { memberId: r.member_id, reason: r.role });
  return [...out.values()];
}
